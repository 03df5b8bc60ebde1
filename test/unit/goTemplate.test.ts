// The Go template engine of --format go-template: each construct over data shaped as oras gives it (its JSON read
// back into Go's `any`). Every expected string is what Go 1.19's text/template with sprig 3.2.3 printed for the
// same template and data; parse errors are Go's with the column added (Go names the line only).
import assert from 'node:assert/strict';
import { compileTemplate } from '../../src/cli/goTemplate';
import { formatFloat } from '../../src/cli/goTemplate/fmt';
import { itRendersAsGo, type TemplateCase, type TemplateFailure } from '../helpers/goTemplateTable';

const DATA = {"digest": "sha256:abc", "size": 1234567, "small": 512, "f": 1.5, "neg": -3, "tiny": 1e-05, "t": true, "nul": null, "s": "héllo\tw\"\n", "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": "sha256:44136fa", "size": 2}, "annotations": {"org.opencontainers.image.created": "2024-01-01", "b": "<x>&"}, "tags": ["v1", "latest", "v2"], "empty": [], "emptyMap": {}, "mixed": [1, "x", null, {"k": [true]}], "matrix": [[1, 2], [3, 4]], "referrers": [{"digest": "sha256:1", "artifactType": "sbom", "size": 10, "referrers": [{"digest": "sha256:3", "referrers": []}]}, {"digest": "sha256:2", "artifactType": "sig", "size": 20, "annotations": {"k": "v"}, "referrers": []}]};

/** [what, template, what Go prints] */
const CASES: TemplateCase[] = [
  ["text and a field", "digest: {{.digest}}", "digest: sha256:abc"],
  ["nested fields", "{{.config.mediaType}} {{.config.size}}", "application/vnd.oci.empty.v1+json 2"],
  ["dot and root", "{{with .config}}{{.digest}} {{$.digest}}{{end}}", "sha256:44136fa sha256:abc"],
  ["numbers are float64 as oras gives them", "{{.size}} {{.small}} {{.f}} {{.neg}} {{.tiny}}", "1.234567e+06 512 1.5 -3 1e-05"],
  ["bool, nil and missing", "{{.t}} {{.nul}} {{.missing}} {{.missing.deeper}}", "true <no value> <no value> <no value>"],
  ["maps and arrays as fmt prints them", "{{.annotations}} {{.tags}} {{.empty}} {{.emptyMap}} {{.mixed}}", "map[b:<x>& org.opencontainers.image.created:2024-01-01] [v1 latest v2] [] map[] [1 x <nil> map[k:[true]]]"],
  ["trim markers", "a  {{- .digest -}}  b {{- \" c\" }}  {{ \"d\" -}} \n e", "asha256:abcb c  de"],
  ["comments", "{{/* a comment */}}x{{- /* trimmed */ -}}  y {{/* multi\nline */}}z", "xy z"],
  ["variables", "{{$d := .digest}}{{$d}} {{$n := 1}}{{if true}}{{$n = 2}}{{end}}{{$n}} {{$}}", "sha256:abc 2 map[annotations:map[b:<x>& org.opencontainers.image.created:2024-01-01] config:map[digest:sha256:44136fa mediaType:application/vnd.oci.empty.v1+json size:2] digest:sha256:abc empty:[] emptyMap:map[] f:1.5 matrix:[[1 2] [3 4]] mixed:[1 x <nil> map[k:[true]]] neg:-3 nul:<nil> referrers:[map[artifactType:sbom digest:sha256:1 referrers:[map[digest:sha256:3 referrers:[]]] size:10] map[annotations:map[k:v] artifactType:sig digest:sha256:2 referrers:[] size:20]] s:héllo\tw\"\n size:1.234567e+06 small:512 t:true tags:[v1 latest v2] tiny:1e-05]"],
  ["if, else if, else", "{{if .empty}}a{{else if .emptyMap}}b{{else if .t}}c{{else}}d{{end}} {{if .nul}}x{{else}}y{{end}} {{if 0}}x{{else}}z{{end}}", "c y z"],
  ["with and else", "{{with .annotations}}{{.b}}{{end}} {{with .missing}}x{{else}}none{{end}}", "<x>& none"],
  ["range over an array", "{{range .tags}}[{{.}}]{{end}} {{range $i, $t := .tags}}{{$i}}={{$t}} {{end}}{{range $t := .tags}}{{$t}}{{end}}", "[v1][latest][v2] 0=v1 1=latest 2=v2 v1latestv2"],
  ["range over a map in key order", "{{range $k, $v := .annotations}}{{$k}}={{$v}};{{end}} {{range .annotations}}{{.}};{{end}}", "b=<x>&;org.opencontainers.image.created=2024-01-01; <x>&;2024-01-01;"],
  ["range else", "{{range .empty}}x{{else}}empty{{end}} {{range .missing}}x{{else}}missing{{end}}", "empty missing"],
  ["break and continue", "{{range $i, $v := .tags}}{{if eq $i 1}}{{continue}}{{end}}{{if eq $i 2}}{{break}}{{end}}{{$v}}{{end}}", "v1"],
  ["nested range with $", "{{range .referrers}}{{.artifactType}}:{{range .referrers}} {{.digest}}{{end}}{{$.small}};{{end}}", "sbom: sha256:3512;sig:512;"],
  ["pipelines", "{{.digest | printf \"%s!\"}} {{\"x\" | printf \"%s-%s\" \"y\"}} {{.tags | len}} {{.tags | len | printf \"%03d\"}}", "sha256:abc! y-x 3 003"],
  ["parenthesized calls and chained fields", "{{(index .referrers 0).digest}} {{(len .tags)}} {{printf \"%d\" (len .annotations)}}", "sha256:1 3 2"],
  ["literals", "{{\"a\\tb\\u00e9\"}} {{`raw\\n`}} {{'a'}} {{1.5}} {{0x1F}} {{1e3}} {{-7}} {{true}} {{017}}", "a\tbé raw\\n 97 1.5 31 1000 -7 true 15"],
  ["len and index", "{{len .tags}} {{len .s}} {{len .annotations}} {{index .tags 1}} {{index .annotations \"b\"}} {{index .annotations \"zz\"}} {{index .matrix 1 0}} {{index \"abc\" 1}}", "3 10 2 latest <x>& <no value> 3 98"],
  ["and, or, not", "{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" \"z\"}} {{or 0 \"\"}} {{not .t}} {{not .empty}} {{and .nul .missing.x}}", "0 2 z  false true <no value>"],
  ["comparisons", "{{eq .digest \"sha256:abc\"}} {{eq 1 2 1}} {{ne .digest \"x\"}} {{lt 1 2}} {{le \"a\" \"b\"}} {{gt .size 3.0}} {{ge 2 2}} {{lt \"b\" \"a\"}} {{eq .missing \"x\"}} {{eq .t true}}", "true true true true true true true false false true"],
  ["print and println", "{{print \"a\" 1 2 \"b\" .tags .t}}|{{println \"a\" 1 .f}}|{{print}}", "a1 2b[v1 latest v2] true|a 1 1.5\n|"],
  ["printf verbs", "{{printf \"%s|%d|%v|%q|%x|%X|%%|%t|%c\" .digest 42 .tags .s \"hi\" 255 true 65}}", "sha256:abc|42|[v1 latest v2]|\"héllo\\tw\\\"\\n\"|6869|FF|%|true|A"],
  ["printf on float64 data", "{{printf \"%d\" .size}} {{printf \"%v %.2f %g %e\" .size .f .size .small}} {{printf \"%s\" 3}}", "%!d(float64=1.234567e+06) 1.234567e+06 1.50 1.234567e+06 5.120000e+02 %!s(int=3)"],
  ["printf width, flags and errors", "{{printf \"%5s|%-5s|%05d|%+d|%x|%6.2f|%.1s\" \"a\" \"b\" 42 7 \"hé\" 3.14159 \"xyz\"}} {{printf \"%v\"}} {{printf \"%d\" 1 2}} {{printf \"%v %s\" .nul .nul}}", "    a|b    |00042|+7|68c3a9|  3.14|x %!v(MISSING) 1%!(EXTRA int=2) <nil> %!s(<nil>)"],
  ["printf of maps and arrays", "{{printf \"%v|%s|%q|%d\" .annotations .tags .tags .matrix}}", "map[b:<x>& org.opencontainers.image.created:2024-01-01]|[v1 latest v2]|[\"v1\" \"latest\" \"v2\"]|[[%!d(float64=1) %!d(float64=2)] [%!d(float64=3) %!d(float64=4)]]"],
  ["sprig JSON", "{{toJson .annotations}} {{toJson .size}} {{.tags | toJson}} {{toRawJson .annotations}} {{toJson .missing}}", "{\"b\":\"\\u003cx\\u003e\\u0026\",\"org.opencontainers.image.created\":\"2024-01-01\"} 1234567 [\"v1\",\"latest\",\"v2\"] {\"b\":\"<x>&\",\"org.opencontainers.image.created\":\"2024-01-01\"} null"],
  ["sprig toPrettyJson", "{{toPrettyJson .referrers}}", "[\n  {\n    \"artifactType\": \"sbom\",\n    \"digest\": \"sha256:1\",\n    \"referrers\": [\n      {\n        \"digest\": \"sha256:3\",\n        \"referrers\": []\n      }\n    ],\n    \"size\": 10\n  },\n  {\n    \"annotations\": {\n      \"k\": \"v\"\n    },\n    \"artifactType\": \"sig\",\n    \"digest\": \"sha256:2\",\n    \"referrers\": [],\n    \"size\": 20\n  }\n]"],
  ["sprig strings", "{{join \", \" .tags}} {{upper .digest}} {{lower \"ABC\"}} {{trim \"  x \"}} {{trimPrefix \"sha256:\" .digest}} {{trimSuffix \"c\" .digest}} {{replace \"a\" \"o\" \"banana\"}} {{contains \"abc\" .digest}} {{hasPrefix \"sha\" .digest}} {{hasSuffix \"x\" .digest}} {{repeat 3 \"ab\"}} {{trunc 3 \"abcdef\"}} {{quote .digest .tags}} {{squote \"a\"}}", "v1, latest, v2 SHA256:ABC abc x abc sha256:ab bonono true true false ababab abc \"sha256:abc\" \"[v1 latest v2]\" 'a'"],
  ["sprig lists, dicts and defaults", "{{default \"none\" .missing}} {{default \"none\" .digest}} {{first .tags}} {{last .tags}} {{list 1 \"a\"}} {{dict \"a\" 1 \"b\" \"c\"}} {{get .annotations \"b\"}} {{hasKey .annotations \"b\"}} {{empty .empty}} {{coalesce .missing \"\" \"c\"}} {{ternary \"y\" \"n\" .t}} {{sortAlpha .tags}} {{splitList \",\" \"a,b\"}}", "none sha256:abc v1 v2 [1 a] map[a:1 b:c] <x>& true true c y [latest v1 v2] [a b]"],
  ["sprig math", "{{add .size 1}} {{add1 .small}} {{sub 5 3}} {{mul 2 3 4}} {{div 7 2}} {{indent 2 \"a\\nb\"}}{{nindent 2 \"c\"}}", "1234568 513 2 24 3   a\n  b\n  c"],
  ["printf zero padding: floats with a precision too, integers not", "{{printf \"%08.3f|%-8.2f|%08d|%.3d|%+05d\" .f .f 42 7 -3}}", "0001.500|1.50    |00000042|007|-0003"],
];

/** [what, template, what it printed before failing, the error] */
const ERRORS: TemplateFailure[] = [
  ["unknown function", "{{.digest | nosuch}}", "", "template: format output:1:12: function \"nosuch\" not defined"],
  ["unclosed action", "{{.digest", "", "template: format output:1:0: unclosed action"],
  ["missing end", "ab\n{{if .t}}x", "", "template: format output:2:10: unexpected EOF"],
  ["unexpected end", "{{end}}", "", "template: format output:1:2: unexpected {{end}}"],
  ["undefined variable", "{{$y}}", "", "template: format output:1:2: undefined variable \"$y\""],
  ["unterminated string", "{{\"abc}}", "", "template: format output:1:2: unterminated quoted string"],
  ["field of a string", "{{.digest}} {{.digest.x}}", "sha256:abc ", "template: format output:1:21: executing \"format output\" at <.digest.x>: can't evaluate field x in type interface {}"],
  ["field of nil", "{{.nul.x}}", "", "template: format output:1:6: executing \"format output\" at <.nul.x>: nil pointer evaluating interface {}.x"],
  ["range over a string", "{{range .digest}}x{{end}}", "", "template: format output:1:8: executing \"format output\" at <.digest>: range can't iterate over sha256:abc"],
  ["index out of range", "{{index .tags 9}}", "", "template: format output:1:2: executing \"format output\" at <index .tags 9>: error calling index: index out of range: 9"],
  ["incompatible comparison", "{{eq .size 3}}", "", "template: format output:1:2: executing \"format output\" at <eq .size 3>: error calling eq: incompatible types for comparison"],
  ["wrong argument type", "{{upper .size}}", "", "template: format output:1:8: executing \"format output\" at <.size>: wrong type for value; expected string; got float64"],
  ["wrong number of args", "{{upper \"a\" \"b\"}}", "", "template: format output:1:2: executing \"format output\" at <upper>: wrong number of args for upper: want 1 got 2"],
  ["nil is not a command", "{{nil}}", "", "template: format output:1:2: executing \"format output\" at <nil>: nil is not a command"],
  ["argument to a field", "{{.digest 1}}", "", "template: format output:1:2: executing \"format output\" at <.digest>: digest is not a method but has arguments"],
  ["len of a number", "{{len 3}}", "", "template: format output:1:2: executing \"format output\" at <len 3>: error calling len: len of type int"],
  ["index with a nil key", "{{index .annotations .missing}}", "", "template: format output:1:2: executing \"format output\" at <index .annotations .missing>: error calling index: value is nil; should be of type string"],
];

describe('Go template engine', () => {
  itRendersAsGo(DATA, CASES, ERRORS);

  it('parse errors come before any data is seen', () => {
    assert.throws(() => compileTemplate('{{if}}'), /: template: format output:1:4: missing value for if$/);
    assert.throws(() => compileTemplate('{{else}}'), /unexpected \{\{else\}\}/);
    assert.throws(() => compileTemplate('{{range .a}}{{else}}{{else}}{{end}}'), /expected end; found \{\{else\}\}/);
    assert.throws(() => compileTemplate('{{break}}'), /\{\{break\}\} outside \{\{range\}\}/);
    assert.throws(() => compileTemplate('{{if 1}}{{define "x"}}{{end}}{{end}}'), /unexpected <define> in command/);
    // Go's checkPipeline: past the first stage a constant, dot or nil has nothing to run.
    assert.throws(() => compileTemplate('{{.digest | "y"}}'), /: template: format output:1:12: non executable command in pipeline stage 2$/);
    assert.throws(() => compileTemplate('{{template "a" "x" | printf "%s" | .}}'), /: non executable command in pipeline stage 3$/);
    // Go's item String: a long token cut at ten characters.
    assert.throws(() => compileTemplate('{{define "a" averyverylongidentifier}}{{end}}'), /: unexpected "averyveryl"\.\.\. in define clause$/);
  });

  it("%v of floats: Go's shortest 'g', exponent below 1e-4 and from 1e+06", () => {
    assert.deepEqual([0, 1, 999999, 1e6, 1234567, 0.0001, 0.00001, -2.5e-7, 1e21].map((f) => formatFloat(f)), ['0', '1', '999999', '1e+06', '1.234567e+06', '0.0001', '1e-05', '-2.5e-07', '1e+21']);
  });
});
