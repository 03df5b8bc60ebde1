// define, template and block in --format go-template: each expected string is what Go 1.19's text/template (with
// sprig 3.2.3's functions, as oras runs it) printed for the same template over the same data, but for the depth
// bound (Go's is 100000; ours 1000, as Go's on wasm) and parse errors, to which ours add the column.
import assert from 'node:assert/strict';
import { renderTemplate, TemplateError } from '../../src/cli/goTemplate';
import { itRendersAsGo, type TemplateCase, type TemplateFailure } from '../helpers/goTemplateTable';

const DATA = {"digest": "sha256:abc", "size": 1234567, "nul": null, "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": "sha256:44136fa", "size": 2}, "tags": ["v1", "latest", "v2"], "referrers": [{"digest": "sha256:1", "artifactType": "sbom", "size": 10, "referrers": [{"digest": "sha256:3", "referrers": []}]}, {"digest": "sha256:2", "artifactType": "sig", "size": 20, "annotations": {"k": "v"}, "referrers": []}]};

/** [what, template, what Go prints] */
const CASES: TemplateCase[] = [
  ["define and template, dot given", "{{define \"a\"}}A{{.}}{{end}}{{template \"a\" 1}}|{{template \"a\" .config.size}}", "A1|A2"],
  ["template without a pipeline: dot is nil", "{{define \"a\"}}{{.}}|{{.x}}{{end}}{{template \"a\"}}", "<no value>|<no value>"],
  ["a define after its use; raw and escaped names", "{{template `b`}}{{template \"\\x62\"}}{{define `b`}}r{{end}}", "rr"],
  ["recursion over nested referrers", "{{define \"tree\"}}{{range .}}{{.digest}}({{template \"tree\" .referrers}}){{end}}{{end}}{{template \"tree\" .referrers}}", "sha256:1(sha256:3())sha256:2()"],
  ["one row a referrer", "{{define \"row\"}}{{.artifactType | printf \"%-6s\"}} {{.digest}}\n{{end}}{{range .referrers}}{{template \"row\" .}}{{end}}", "sbom   sha256:1\nsig    sha256:2\n"],
  ["a template's own variables: $ is its dot", "{{define \"a\"}}{{$}}{{$x := 2}}{{$x}}{{end}}{{$x := 3}}{{template \"a\" 5}}{{$x}}", "523"],
  ["variables the template pipeline declares stay", "{{template \"a\" $x := 1}}{{$x}}{{define \"a\"}}[{{.}}]{{end}}", "[1]1"],
  ["block: defined where it stands, called with its pipeline", "{{block \"b\" 1}}[{{.}}]{{end}}{{template \"b\" 2}}", "[1][2]"],
  ["block in a range with continue around it", "{{range .tags}}{{if eq . \"latest\"}}{{continue}}{{end}}{{block \"t\" .}}<{{.}}>{{end}}{{end}}", "<v1><v2>"],
  ["break in a range inside a define", "{{define \"a\"}}{{range .}}{{if eq . \"v2\"}}{{break}}{{end}}{{.}}{{end}}{{end}}{{template \"a\" .tags}}", "v1latest"],
  ["an empty define gives way to one with content", "{{define \"a\"}} {{end}}{{define \"a\"}}2{{end}}{{template \"a\"}}", "2"],
  ["a define with content is kept over a later empty one", "{{define \"a\"}}1{{end}}{{define \"a\"}}{{/* none */}} {{end}}{{template \"a\"}}", "1"],
  ["only defines: the main template is empty", "{{define \"a\"}}2{{end}}", ""],
  ["a define of the main template when the rest is white space", "  {{define \"format output\"}}main{{end}} ", "main"],
  ["trim markers around define", "{{- define \"a\" }}A{{ end -}}\n\n{{ template \"a\" }}", "A"],
  ["a nil pipeline value has no fields, without error", "{{define \"a\"}}{{.x}}{{end}}{{template \"a\" .nul}}", "<no value>"],
];

/** [what, template, what it printed before failing, the error] */
const ERRORS: TemplateFailure[] = [
  ["an unknown template", "x{{template \"x\"}}", "x", "template: format output:1:12: executing \"format output\" at <{{template \"x\"}}>: template \"x\" not defined"],
  ["an unknown template called from a define", "{{define \"a\"}}{{template \"b\" .}}{{end}}{{template \"a\"}}", "", "template: format output:1:25: executing \"a\" at <{{template \"b\" .}}>: template \"b\" not defined"],
  ["unbounded recursion", "{{define \"a\"}}{{template \"a\" .}}{{end}}{{template \"a\" 1}}", "", "template: format output:1:25: executing \"a\" at <{{template \"a\" .}}>: exceeded maximum template depth (1000)"],
  ["the main template calling itself", "{{template \"format output\"}}", "", "template: format output:1:11: executing \"format output\" at <{{template \"format output\"}}>: exceeded maximum template depth (1000)"],
  ["an error inside a define names it, at its place in the text", "{{define \"a\"}}\n {{.x.y}}{{end}}{{template \"a\" 1}}", "\n ", "template: format output:2:5: executing \"a\" at <.x.y>: can't evaluate field x in type int"],
  ["a string's field inside a with names its type", "{{with .digest}}{{.x}}{{end}}", "", "template: format output:1:18: executing \"format output\" at <.x>: can't evaluate field x in type string"],
  ["two defines with content", "{{define \"a\"}}1{{end}}{{define \"a\"}}2{{end}}", "", "template: format output:1:39: template: multiple definition of template \"a\""],
  ["a block and a define of one name", "{{block \"a\" .}}1{{end}}{{define \"a\"}}2{{end}}", "", "template: format output:1:40: template: multiple definition of template \"a\""],
  ["text besides a define of the main template", "x{{define \"format output\"}}2{{end}}", "", "template: format output:1:35: template: multiple definition of template \"format output\""],
  ["define not at the top level", "{{if 1}}{{define \"a\"}}2{{end}}{{end}}", "", "template: format output:1:10: unexpected <define> in command"],
  ["define's name not a string", "{{define a}}x{{end}}", "", "template: format output:1:9: unexpected \"a\" in define clause"],
  ["define with more than a name", "{{define \"a\" 1}}x{{end}}", "", "template: format output:1:13: unexpected \"1\" in define clause"],
  ["else in a define", "{{define \"a\"}}x{{else}}y{{end}}", "", "template: format output:1:17: unexpected {{else}} in define clause"],
  ["define without end", "{{define \"a\"}}x", "", "template: format output:1:15: unexpected EOF"],
  ["template's name not a constant", "{{template .x}}", "", "template: format output:1:11: unexpected \".x\" in template clause"],
  ["block without a pipeline", "{{block \"a\"}}x{{end}}", "", "template: format output:1:11: missing value for block clause"],
  ["a define sees no outer variable", "{{$y := 3}}{{define \"a\"}}{{$y}}{{end}}", "", "template: format output:1:27: undefined variable \"$y\""],
  ["break in a block inside a range", "{{range .}}{{block \"b\" .}}{{break}}{{end}}{{end}}", "", "template: format output:1:28: {{break}} outside {{range}}"],
  ["break with an argument", "{{range .}}{{break 1}}{{end}}", "", "template: format output:1:19: unexpected \"1\" in {{break}}"],
  ["a keyword as an operand", "{{printf \"%v\" if}}", "", "template: format output:1:14: unexpected <if> in operand"],
  ["comparing a list with a number", "{{eq .tags 1}}", "", "template: format output:1:2: executing \"format output\" at <eq .tags 1>: error calling eq: incompatible types for comparison"],
  ["comparing two lists", "{{eq .tags .tags}}", "", "template: format output:1:2: executing \"format output\" at <eq .tags .tags>: error calling eq: non-comparable type [v1 latest v2]: []interface {}"],
];

describe('Go template engine: define, template, block', () => {
  itRendersAsGo(DATA, CASES, ERRORS);

  it('recursion to the bound runs; bodies that nest deep end in the same error when the stack runs out first', () => {
    const countdown = '{{define "d"}}{{if gt . 0}}{{template "d" (sub . 1)}}{{else}}done{{end}}{{end}}{{template "d" N}}';
    assert.equal(renderTemplate(countdown.replace('N', '999'), {}), 'done');
    assert.throws(() => renderTemplate(countdown.replace('N', '1000'), {}), /executing "d" at <\{\{template "d" \(sub \. 1\)\}\}>: exceeded maximum template depth \(1000\)$/);
    const nested = '{{define "d"}}{{with .}}{{range $i, $v := list 1}}{{if gt $.n 0}}{{template "d" (dict "n" (sub $.n 1))}}{{else}}done{{end}}{{end}}{{end}}{{end}}{{template "d" (dict "n" N)}}';
    assert.equal(renderTemplate(nested.replace('N', '200'), {}), 'done');
    assert.throws(() => renderTemplate(nested.replace('N', '100000'), {}), (err: unknown) => err instanceof TemplateError && /: exceeded maximum template depth \(the stack ran out at \d+\)$/.test(err.message));
  });
});
