// sprig's functions in --format go-template (oras adds sprig's TxtFuncMap): each expected string is what Go 1.19's
// text/template with sprig 3.2.3 printed for the same template over the same data, but where Go's answer is
// random (keys' and values' order: ours sorted) or where we refuse what JS can't read as RE2 does (a case flag
// past a pattern's start). Parse errors add the column to Go's.
import assert from 'node:assert/strict';
import { renderTemplate, TemplateError } from '../../src/cli/goTemplate';

const DATA = {"digest": "sha256:abc", "size": 1234567, "small": 512, "f": 1.5, "t": true, "nul": null, "s": "héllo\tw\"\n", "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": "sha256:44136fa", "size": 2}, "annotations": {"org.opencontainers.image.created": "2024-01-01", "b": "<x>&"}, "tags": ["v1", "latest", "v2"], "empty": [], "emptyMap": {}, "mixed": [1, "x", null, {"k": [true]}], "referrers": [{"digest": "sha256:1", "artifactType": "sbom", "size": 10, "referrers": [{"digest": "sha256:3", "referrers": []}]}, {"digest": "sha256:2", "artifactType": "sig", "size": 20, "annotations": {"k": "v"}, "referrers": []}]};

/** [what, template, what Go prints] */
const CASES: [string, string, string][] = [
  ["upper, lower, title: one rune to one, as Go maps case", "{{upper \"héllo straße ǆ\"}} {{lower \"HÉLLO İ Σ\"}} {{title \"hello wORLD_x a-b 1st ǆx ñu\"}}", "HÉLLO STRAßE Ǆ héllo i σ Hello WORLD_x A-B 1st ǅx Ñu"],
  ["title of empty, spaced and non-ASCII text", "{{title \"\"}}|{{title \"  a  b\"}}|{{title \"é.é\"}}", "|  A  B|É.É"],
  ["trim (Go's white space) and trimAll", "{{trim \"\\u0085 x \\u3000\"}}|{{trimAll \"-_\" \"-_a-b_-\"}}|{{trimAll \"\" \"xx\"}}|{{trimAll \"é\" \"éaé\"}}", "x|a-b|xx|a"],
  ["trimPrefix, trimSuffix", "{{trimPrefix \"sha256:\" .digest}} {{trimSuffix \"c\" .digest}} {{trimSuffix \"\" \"abc\"}}", "abc sha256:ab abc"],
  ["replace, an empty old string between each character", "{{replace \"\" \"-\" \"abc\"}}|{{replace \"\" \"-\" \"\"}}|{{replace \"a\" \"\" \"banana\"}}|{{replace \"é\" \"e\" \"éé\"}}", "-a-b-c-|-|bnn|ee"],
  ["repeat", "{{repeat 0 \"a\"}}|{{repeat 3 \"\"}}|{{repeat 2 \"é\"}}", "||éé"],
  ["substr within and past the ends", "{{substr 0 3 \"abcdef\"}}|{{substr 2 -1 \"abcdef\"}}|{{substr 2 99 \"abcdef\"}}|{{substr -1 2 \"abcdef\"}}|{{substr 1 1 \"abc\"}}", "abc|cdef|cdef|ab|"],
  ["substr cuts bytes, not characters", "{{substr 0 2 \"héllo\"}}", "h�"],
  ["trunc from either end", "{{trunc 3 \"abcdef\"}}|{{trunc -3 \"abcdef\"}}|{{trunc -9 \"abc\"}}|{{trunc 9 \"abc\"}}|{{trunc 0 \"abc\"}}|{{trunc -3 \"abc\"}}", "abc|def|abc|abc||abc"],
  ["abbrev", "{{abbrev 5 \"hello world\"}}|{{abbrev 3 \"hello world\"}}|{{abbrev 4 \"hello\"}}|{{abbrev 11 \"hello world\"}}|{{abbrev 4 \"\"}}|{{abbrev 10 \"hello world\"}}", "he...|hello world|h...|hello world||hello w..."],
  ["quote and squote skip nil", "{{quote \"a\" 1 .f .t .tags .missing .nul \"é\\t\"}}|{{quote}}|{{squote \"a\" 1 .tags .nul}}", "\"a\" \"1\" \"1.5\" \"true\" \"[v1 latest v2]\" \"é\\t\"||'a' '1' '[v1 latest v2]'"],
  ["cat skips nil", "{{cat \"a\" 1 .missing .nul .tags \"b\"}}|{{cat}}|{{cat .nul}}", "a 1 [v1 latest v2] b||"],
  ["indent, nindent", "{{indent 3 \"a\\nb\\n\"}}|{{nindent 2 \"x\"}}", "   a\n   b\n   |\n  x"],
  ["split: a map of _0, _1, ...", "{{split \",\" \"a,b,,c\"}} {{(split \",\" \"a,b\")._1}} {{index (split \",\" \"a,b\") \"_5\"}}|{{split \"\" \"ab\"}}", "map[_0:a _1:b _2: _3:c] b |map[_0:a _1:b]"],
  ["the Go types sprig's lists and maps have", "{{printf \"%T %T %T\" (split \",\" \"a\") (splitList \",\" \"a\") (list 1)}}", "map[string]string []string []interface {}"],
  ["splitList", "{{splitList \",\" \"a,b,,c\"}} {{splitList \"\" \"héy\"}} {{splitList \",\" \"\"}} {{len (splitList \"\" \"\")}}", "[a b  c] [h é y] [] 0"],
  ["join of lists, nil and other values", "{{join \"-\" .tags}} {{join \"-\" .mixed}} {{join \"-\" .missing}}|{{join \"-\" .digest}}|{{join \"-\" .annotations}}|{{join \"-\" (splitList \",\" \"a,b\")}}|{{join \"-\" 3}}", "v1-latest-v2 1-x-map[k:[true]] |sha256:abc|map[b:<x>& org.opencontainers.image.created:2024-01-01]|a-b|3"],
  ["toString", "{{toString 1}} {{toString .f}} {{toString .tags}} {{toString .nul}} {{toString \"x\"}} {{toString .t}}", "1 1.5 [v1 latest v2] <nil> x true"],
  ["b64enc, b64dec", "{{b64enc \"héllo\"}} {{b64dec \"aMOpbGxv\"}} {{b64dec \"YQ==\"}} {{b64dec \"YWI=\"}} {{b64dec \"YWJj\"}} {{b64dec \"\"}}", "aMOpbGxv héllo a ab abc "],
  ["b64dec's errors as its output", "{{b64dec \"YQ\"}}|{{b64dec \"Y\"}}|{{b64dec \"YQ=\"}}|{{b64dec \"YQ==YQ==\"}}|{{b64dec \"Y!==\"}}|{{b64dec \"YQ==\\n\"}}|{{b64dec \"Y\\nQ==\"}}|{{b64dec \"=\"}}|{{b64dec \"YWJjZA=\"}}|{{b64dec \"é\"}}|{{b64dec \"YQ=a\"}}", "illegal base64 data at input byte 0|illegal base64 data at input byte 0|illegal base64 data at input byte 3|illegal base64 data at input byte 4|illegal base64 data at input byte 1|a|a|illegal base64 data at input byte 0|illegal base64 data at input byte 7|illegal base64 data at input byte 0|illegal base64 data at input byte 2"],
  ["sha256sum", "{{sha256sum \"abc\"}}", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ["default", "{{default \"d\" .missing}} {{default \"d\" .nul}} {{default \"d\" 0}} {{default \"d\" 0.0}} {{default \"d\" .empty}} {{default \"d\" .emptyMap}} {{default \"d\" false}} {{default \"d\" \"x\"}} {{default \"d\"}}", "d d d d d d d x d"],
  ["empty", "{{empty .missing}} {{empty 1}} {{empty .tags}} {{empty \"\"}} {{empty .f}}", "true false false true false"],
  ["coalesce", "{{coalesce .missing 0 \"\" .tags}} {{coalesce}} {{coalesce .nul}}", "[v1 latest v2] <no value> <no value>"],
  ["ternary", "{{ternary \"a\" \"b\" true}} {{ternary \"a\" \"b\" false}} {{ternary \"a\" \"b\" .t}}", "a b a"],
  ["toJson, toRawJson; a nil slice is null", "{{toJson .tags}} {{toJson .nul}} {{toJson .missing}} {{toJson .f}} {{toJson .size}} {{toJson 1}} {{toJson \"<&>\"}} {{toRawJson \"<&>\"}} {{toJson (rest .empty)}} {{toJson (list (rest .empty))}} {{toJson (regexFindAll \"z\" \"abc\" -1)}}", "[\"v1\",\"latest\",\"v2\"] null null 1.5 1234567 1 \"\\u003c\\u0026\\u003e\" \"<&>\" null [null] null"],
  ["toPrettyJson", "{{toPrettyJson .config}} {{toPrettyJson (dict)}} {{toPrettyJson (list)}}", "{\n  \"digest\": \"sha256:44136fa\",\n  \"mediaType\": \"application/vnd.oci.empty.v1+json\",\n  \"size\": 2\n} {} []"],
  ["fromJson; nil for text Go refuses", "{{fromJson \"{\\\"a\\\":[1,2.5,\\\"x\\\",null,true]}\"}} {{(fromJson \"{\\\"a\\\":{\\\"b\\\":1}}\").a.b}} {{fromJson \"bad\"}} {{fromJson \"\"}} {{fromJson \"1e400\"}} {{fromJson \" 3 \"}} {{printf \"%T\" (fromJson \"3\")}}", "map[a:[1 2.5 x <nil> true]] 1 <no value> <no value> <no value> 3 float64"],
  ["fromJson of a cut document; its keys sorted again", "{{fromJson \"[1,\"}}|{{toJson (fromJson \"{\\\"b\\\":1,\\\"a\\\":2}\")}}", "<no value>|{\"a\":2,\"b\":1}"],
  ["list", "{{list 1 \"a\" .nul .missing .tags}} {{list}}", "[1 a <nil> <nil> [v1 latest v2]] []"],
  ["first, last, rest, initial", "{{first .tags}} {{last .tags}} {{rest .tags}} {{initial .tags}} {{first .empty}} {{last .empty}} {{rest .empty}} {{initial .empty}} {{rest (list 1)}}", "v1 v2 [latest v2] [v1 latest] <no value> <no value> [] [] []"],
  ["first and rest of a []string", "{{first (splitList \",\" \"a,b\")}} {{rest (splitList \",\" \"a,b\")}} {{printf \"%T\" (rest (splitList \",\" \"a,b\"))}}", "a [b] []interface {}"],
  ["compact", "{{compact .mixed}} {{compact (list 0 1 \"\" \"a\" .nul false true .empty .tags)}} {{compact .empty}}", "[1 x map[k:[true]]] [1 a true [v1 latest v2]] []"],
  ["uniq as reflect.DeepEqual tells", "{{uniq (list 1 1 \"1\" 1.0 .nul .missing 2 .tags .tags (list 1) (list 1) (dict \"a\" 1) (dict \"a\" 1))}}", "[1 1 1 <nil> 2 [v1 latest v2] [1] map[a:1]]"],
  ["uniq keeps float64 and int apart", "{{uniq (list 1.0 1)}} {{uniq .empty}}", "[1 1] []"],
  ["sortAlpha", "{{sortAlpha .tags}} {{sortAlpha (list \"b\" 10 2 \"a\" .nul \"B\" \"é\" \"z\")}} {{sortAlpha 3}} {{sortAlpha .annotations}} {{sortAlpha .missing}}", "[latest v1 v2] [10 2 B a b z é] [3] [map[b:<x>& org.opencontainers.image.created:2024-01-01]] [<nil>]"],
  ["dict", "{{dict \"a\" 1 \"b\"}} {{dict 1 2 .nul 3 .t 4}} {{dict \"a\" .missing}} {{dict}}", "map[a:1 b:] map[1:2 <nil>:3 true:4] map[a:<nil>] map[]"],
  ["get", "{{get .annotations \"b\"}}|{{get .annotations \"zz\"}}|{{get .missing \"a\"}}|{{get (dict \"a\" .nul) \"a\"}}", "<x>&|||<no value>"],
  ["set changes the dict itself", "{{$d := dict \"a\" 1}}{{$_ := set $d \"b\" 2}}{{$d}} {{set $d \"a\" .nul}} {{set (dict) \"x\" .missing}}", "map[a:1 b:2] map[a:<nil> b:2] map[x:<nil>]"],
  ["hasKey", "{{hasKey .annotations \"b\"}} {{hasKey .annotations \"c\"}} {{hasKey .missing \"c\"}} {{hasKey (dict \"a\" .nul) \"a\"}}", "true false false true"],
  ["keys (in sorted order: Go's is random) and their type", "{{keys .annotations}} {{keys .annotations .config}} {{keys}} {{keys .missing}} {{printf \"%T\" (keys .config)}}", "[b org.opencontainers.image.created] [b org.opencontainers.image.created digest mediaType size] [] [] []string"],
  ["values", "{{values .config}} {{values .missing}} {{values .emptyMap}}", "[sha256:44136fa application/vnd.oci.empty.v1+json 2] [] []"],
  ["pluck", "{{pluck \"digest\" .config .annotations (index .referrers 0)}} {{pluck \"x\"}} {{pluck \"digest\" .missing .config}}", "[sha256:44136fa sha256:1] [] [sha256:44136fa]"],
  ["dig", "{{dig \"config\" \"size\" \"none\" .}} {{dig \"config\" \"nope\" \"none\" .}} {{dig \"a\" \"b\" \"d\" (dict)}} {{dig \"digest\" \"d\" .}}", "2 none d sha256:abc"],
  ["atoi", "{{atoi \"42\"}} {{atoi \"-7\"}} {{atoi \" 4\"}} {{atoi \"4.0\"}} {{atoi \"x\"}} {{atoi \"99999999999999999999\"}} {{atoi \"+5\"}} {{atoi \"0x10\"}} {{atoi \"\"}}", "42 -7 0 0 0 9223372036854775807 5 0 0"],
  ["int: floats truncated, strings with base prefixes and underscores", "{{int \"42\"}} {{int 4.9}} {{int -4.9}} {{int \"0x1F\"}} {{int \"017\"}} {{int \"1_000\"}} {{int \"1.00\"}} {{int \"1.50\"}} {{int .t}} {{int .nul}} {{int .tags}} {{int \"0b101\"}} {{int \"0o17\"}} {{int \" 1\"}} {{int .size}}", "42 4 -4 31 15 1000 1 0 1 0 0 5 15 0 1234567"],
  ["int64 at its bounds", "{{int64 \"42\"}} {{int64 1e30}} {{int64 \"-9223372036854775808\"}} {{int64 \"9223372036854775808\"}}", "42 -9223372036854775808 -9223372036854775808 0"],
  ["float64", "{{float64 \"1.5\"}} {{float64 3}} {{float64 \"x\"}} {{float64 \"1e3\"}} {{float64 .t}} {{float64 \"inf\"}} {{float64 \"-Infinity\"}} {{float64 \".5\"}} {{float64 \"5.\"}} {{float64 \" 1\"}} {{float64 .nul}} {{float64 \"1_0\"}} {{printf \"%T\" (float64 1)}}", "1.5 3 0 1000 1 +Inf -Inf 0.5 5 0 0 10 float64"],
  ["add, add1, sub, mul, div, mod, max, min", "{{add 1 2 3}} {{add}} {{add \"5\" 1.9}} {{add1 .small}} {{sub 1 5}} {{mul 2 3}} {{mul 7}} {{div 7 2}} {{div -7 2}} {{mod 7 3}} {{mod -7 3}} {{max 1 5 3}} {{max 4}} {{min 3 1 2}} {{min \"-2\" 0}} {{max .f .size}}", "6 0 6 513 -4 6 7 3 -3 1 -1 5 4 1 -2 1234567"],
  ["int64 math wraps around", "{{add 9223372036854775807 1}} {{mul 9223372036854775807 2}} {{div -9223372036854775808 -1}}", "-9223372036854775808 -2 -9223372036854775808"],
  ["regexMatch: RE2's dot, flags and \\s; a bad pattern matches nothing", "{{regexMatch \"^sha256:[a-f0-9]+$\" .digest}} {{regexMatch \"x+\" \"abc\"}} {{regexMatch \"(\" \"abc\"}} {{regexMatch \"(?i)ABC\" \"xabc\"}} {{regexMatch \"^a.c$\" \"a\\nc\"}} {{regexMatch \"(?s)^a.c$\" \"a\\nc\"}} {{regexMatch \"\\\\s\" \"\\u00a0\"}}", "true false false true false true false"],
  ["regexFindAll: counts, empty matches as Go skips them", "{{regexFindAll \"[0-9]+\" \"a1b22c333\" -1}} {{regexFindAll \"[0-9]+\" \"a1b22c333\" 2}} {{regexFindAll \"[0-9]+\" \"a1b22c333\" 0}} {{regexFindAll \"a*\" \"baaac\" -1}} {{regexFindAll \"\" \"héy\" -1}} {{regexFindAll \"x\" \"abc\" -1}}", "[1 22 333] [1 22] [] [ aaa ] [   ] []"],
  ["regexFindAll: (?m), \\b, POSIX classes, Unicode classes", "{{regexFindAll \"(?m)^\\\\w+$\" \"ab\\ncd\\r\\nef\" -1}} {{regexFindAll \"\\\\bv\\\\d\" .s -1}} {{regexFindAll \"[[:upper:]][[:^upper:]]\" \"AbCD\" -1}} {{regexFindAll \"\\\\pL+\" \"héllo wörld 42\" -1}} {{regexFindAll \"\\\\p{Greek}+\" \"abc αβγ\" -1}}", "[ab ef] [] [Ab] [héllo wörld] [αβγ]"],
  ["regexReplaceAll: $1, ${1}, $name, $$ as Go's Expand reads them", "{{regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\"}} {{regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$1W\"}} {{regexReplaceAll \"a(?P<x>x*)b\" \"-ab-axxb-\" \"[$x]\"}} {{regexReplaceAll \"a*\" \"baaac\" \"-\"}} {{regexReplaceAll \"\" \"abc\" \"-\"}} {{regexReplaceAll \"b\" \"abc\" \"$$\"}} {{regexReplaceAll \"b\" \"abc\" \"$\"}} {{regexReplaceAll \"(b)\" \"abc\" \"$01\"}}", "-W-xxW- --- -[]-[xx]- -b-c- -a-b-c- a$c a$c ac"],
  ["regexReplaceAll: (?U), \\Q...\\E, escapes, literal braces and brackets", "{{regexReplaceAll \"(?U)a+\" \"aaa\" \"x\"}} {{regexReplaceAll \"(?U)a+?\" \"aaa\" \"x\"}} {{regexReplaceAll \"\\\\Q.*\\\\E\" \"a.*b\" \"!\"}} {{regexReplaceAll \"[^a]\" \"a\\nb\" \"_\"}} {{regexReplaceAll \"\\\\x{61}\\\\x62\\\\141\" \"abac\" \"!\"}} {{regexReplaceAll \"a{2}\" \"aaaa{\" \"x\"}} {{regexReplaceAll \"a{\" \"a{\" \"x\"}} {{regexReplaceAll \"[]a]\" \"]a\" \"x\"}} {{regexReplaceAll \"\\\\#\" \"#\" \"x\"}} {{regexReplaceAll \"[a-c-e]\" \"a-d\" \"x\"}}", "xxx x a!b a__ !c xx{ x xx x xxd"],
  ["regex: \\z, \\A, (?i), named groups, (?)", "{{regexFindAll \"\\\\z\" \"x\" -1}}|{{regexFindAll \"\\\\Ax\" \"xx\" -1}}|{{regexFindAll \"(?i)X\" \"xX\" -1}}|{{regexFindAll \"(?P<n>a)\" \"aa\" -1}}|{{regexFindAll \"(?:ab)+\" \"ababx\" -1}}|{{regexFindAll \"(?)a\" \"a\" -1}}", "[]|[x]|[x X]|[a a]|[abab]|[a]"],
  ["regexMatch of anchors and empty text", "{{regexMatch \"\\\\b\" \"\"}} {{regexMatch \"$^\" \"\"}} {{regexMatch \"(?m)^$\" \"a\\n\"}} {{regexMatch \"a$\" \"a\\n\"}} {{regexMatch \"^*a\" \"a\"}}", "false true true false true"],
  ["regex: . \\d \\s \\S \\W by RE2's rules, not JS's", "{{regexFindAll \".\" \"a\\u2028b\\rc\" -1}} {{regexFindAll \"[\\\\d\\\\s]+\" \"a1 2\\u00a03\" -1}} {{regexFindAll \"[^\\\\S]\" \"a b\\u00a0\" -1}} {{regexFindAll \"\\\\W+\" \"é-b\" -1}}", "[a   b \r c] [1 2 3] [ ] [é-]"],
  ["regex: scoped (?s), (?i) with a class, \\Q without \\E, counted repeats, non-ASCII literals", "{{regexFindAll \"(?s:a.)b.\" \"a\\nb\\nb-\" -1}}|{{regexFindAll \"(?i)[a-c]+\" \"ABCd\" -1}}|{{regexFindAll \"\\\\Qa.\" \"a.a.\" -1}}|{{regexFindAll \"x{2,}\" \"xxxxx x\" -1}}|{{regexFindAll \"x{2,3}?\" \"xxxxx\" -1}}|{{regexFindAll \"é+\" \"éé e\" -1}}", "[]|[ABC]|[a. a.]|[xxxxx]|[xx xx]|[éé]"],
  ["regexReplaceAll: octal escapes, named and numbered groups", "{{regexReplaceAll \"\\\\0\" \"a\\u0000b\" \"!\"}}|{{regexReplaceAll \"\\\\012\" \"a\\nb\" \"!\"}}|{{regexReplaceAll \"(?P<n>b)\" \"abc\" \"${n}${n}$nx$2\"}}|{{regexReplaceAll \"(a)|(b)\" \"ab\" \"[$1|$2]\"}}", "a!b|a!b|abbc|[a|][|b]"],
  ["regex: scoped (?m), (?U) in groups, Unicode classes in and out of brackets", "{{regexFindAll \"(?m:^a)|b$\" \"a\\nab\\nb\" -1}}|{{regexFindAll \"(?U)(a+)(a+?)\" \"aaaa\" -1}}|{{regexFindAll \"[\\\\p{Lu}\\\\d]+\" \"aBC1d\" -1}}|{{regexFindAll \"[^\\\\pL]+\" \"ab12cd\" -1}}|{{regexFindAll \"\\\\PL+\" \"ab12cd\" -1}}|{{regexFindAll \"\\\\p{^L}+\" \"ab12cd\" -1}}", "[a a b]|[aaaa]|[BC1]|[12]|[12]|[12]"],
  ["regex: empty alternatives and \\b, empty matches as Go's ReplaceAll skips them", "{{regexFindAll \"a|\" \"ba\" -1}}|{{regexFindAll \"|a\" \"ba\" -1}}|{{regexFindAll \"\\\\b\" \"ab cd\" -1}}|{{regexReplaceAll \"\\\\b\" \"ab cd\" \"|\"}}|{{regexReplaceAll \"x*\" \"abc\" \"-\"}}|{{regexReplaceAll \"\" \"héy\" \"-\"}}", "[ a]|[  ]|[   ]||ab| |cd||-a-b-c-|-h-é-y-"],
  ["regex: POSIX classes, escaped brackets and dashes, \\x{...} ranges", "{{regexFindAll \"[[:alpha:][:digit:]]+\" \"ab1-c\" -1}}|{{regexFindAll \"[\\\\[\\\\]]\" \"[a]\" -1}}|{{regexFindAll \"[a\\\\-z]\" \"-bz\" -1}}|{{regexFindAll \"[-a]\" \"-a\" -1}}|{{regexFindAll \"[a-]\" \"-a\" -1}}|{{regexFindAll \"\\\\.\\\\+\\\\/\" \"a.+/\" -1}}|{{regexFindAll \"[\\\\x{41}-\\\\x{43}]+\" \"ABCD\" -1}}", "[ab1 c]|[[ ]]|[- z]|[- a]|[- a]|[.+/]|[ABC]"],
  ["regex: ^ and $ alone, (?m)$, a?", "{{regexFindAll \"^\" \"ab\" -1}}|{{regexFindAll \"$\" \"ab\" -1}}|{{regexFindAll \"(?m)$\" \"a\\nb\" -1}}|{{regexFindAll \"a?\" \"aab\" -1}}|{{regexReplaceAll \"a?\" \"aab\" \"x\"}}", "[]|[]|[ ]|[a a ]|xxbx"],
  ["regex: one name for two groups", "{{regexFindAll \"(?P<n>a)(?P<n>b)\" \"ab\" -1}}", "[ab]"],
  ["regex: \\pN is Unicode, \\d and \\w ASCII", "{{regexFindAll \"\\\\pN\" \"١٢3\" -1}} {{regexFindAll \"\\\\d\" \"١٢3\" -1}} {{regexFindAll \"\\\\w+\" \"héllo\" -1}}", "[١ ٢ 3] [3] [h llo]"],
  ["regex: (?i) folds K and ſ as Go does", "{{regexFindAll \"(?i)k\" \"Kk\\u212a\" -1}} {{regexFindAll \"(?i)s\" \"sS\\u017f\" -1}} {{regexFindAll \"(?i)\\\\w\" \"\\u017f\" -1}}", "[K k K] [s S ſ] [ſ]"],
  ["regexReplaceAll: $name of one of two groups of that name; an unknown name is empty", "{{regexReplaceAll \"(?P<n>a)|(?P<n>b)\" \"ab\" \"[$n]\"}} {{regexReplaceAll \"(?P<n>a)\" \"a\" \"[$m]\"}}", "[a][b] []"],
];

/** [what, template, what it printed before failing, the error] */
const ERRORS: [string, string, string, string][] = [
  ["repeat a negative count", "{{repeat -1 \"a\"}}", "", "template: format output:1:2: executing \"format output\" at <repeat -1 \"a\">: error calling repeat: strings: negative Repeat count"],
  ["substr with start after end", "{{substr 4 2 \"abcdef\"}}", "", "template: format output:1:2: executing \"format output\" at <substr 4 2 \"abcdef\">: error calling substr: runtime error: slice bounds out of range [4:2]"],
  ["substr with end past the text", "{{substr -1 9 \"abc\"}}", "", "template: format output:1:2: executing \"format output\" at <substr -1 9 \"abc\">: error calling substr: runtime error: slice bounds out of range [:9] with length 3"],
  ["substr with start past the text", "{{substr 9 -1 \"abc\"}}", "", "template: format output:1:2: executing \"format output\" at <substr 9 -1 \"abc\">: error calling substr: runtime error: slice bounds out of range [9:3]"],
  ["substr with both negative", "{{substr -1 -1 \"abc\"}}", "", "template: format output:1:2: executing \"format output\" at <substr -1 -1 \"abc\">: error calling substr: runtime error: slice bounds out of range [:-1]"],
  ["ternary with a string for a bool", "{{ternary \"a\" \"b\" \"true\"}}", "", "template: format output:1:18: executing \"format output\" at <\"true\">: expected bool; found \"true\""],
  ["rest of a string", "{{rest .digest}}", "", "template: format output:1:2: executing \"format output\" at <rest .digest>: error calling rest: Cannot find rest on type string"],
  ["initial of a map", "{{initial .annotations}}", "", "template: format output:1:2: executing \"format output\" at <initial .annotations>: error calling initial: Cannot find initial on type map"],
  ["compact of nil", "{{compact .nul}}", "", "template: format output:1:2: executing \"format output\" at <compact .nul>: error calling compact: runtime error: invalid memory address or nil pointer dereference"],
  ["get from a map[string]string", "{{get (split \",\" \"a\") \"_0\"}}", "", "template: format output:1:17: executing \"format output\" at <\"a\">: wrong type for value; expected map[string]interface {}; got map[string]string"],
  ["set in a nil map", "{{set .missing \"a\" 1}}", "", "template: format output:1:2: executing \"format output\" at <set .missing \"a\" 1>: error calling set: assignment to entry in nil map"],
  ["dig through a string", "{{dig \"digest\" \"x\" \"d\" .}}", "", "template: format output:1:2: executing \"format output\" at <dig \"digest\" \"x\" \"d\" .>: error calling dig: interface conversion: interface {} is string, not map[string]interface {}"],
  ["dig with too few arguments", "{{dig \"x\" \"d\"}}", "", "template: format output:1:2: executing \"format output\" at <dig \"x\" \"d\">: error calling dig: dig needs at least three arguments"],
  ["dig with a key not a string", "{{dig 1 \"d\" .}}", "", "template: format output:1:2: executing \"format output\" at <dig 1 \"d\" .>: error calling dig: interface conversion: interface {} is int, not string"],
  ["dig in nil", "{{dig \"a\" \"d\" .missing}}", "", "template: format output:1:2: executing \"format output\" at <dig \"a\" \"d\" .missing>: error calling dig: interface conversion: interface {} is nil, not map[string]interface {}"],
  ["dig through nil", "{{dig \"nul\" \"x\" \"d\" .}}", "", "template: format output:1:2: executing \"format output\" at <dig \"nul\" \"x\" \"d\" .>: error calling dig: interface conversion: interface {} is nil, not map[string]interface {}"],
  ["mod by zero", "{{mod 1 0}}", "", "template: format output:1:2: executing \"format output\" at <mod 1 0>: error calling mod: runtime error: integer divide by zero"],
  ["regex: missing )", "{{regexFindAll \"(\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"(\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"],
  ["regex: lookahead refused as Go refuses it", "{{regexFindAll \"(?=a)\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"(?=a)\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`(?=a)`): error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
  ["regex: a backreference refused as Go refuses it", "{{regexFindAll \"(a)\\\\1\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"(a)\\\\1\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`(a)\\1`): error parsing regexp: invalid escape sequence: `\\1`"],
  ["regex: nested repetition", "{{regexFindAll \"a**\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"a**\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`a**`): error parsing regexp: invalid nested repetition operator: `**`"],
  ["regex: repetition of nothing", "{{regexFindAll \"*a\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"*a\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`*a`): error parsing regexp: missing argument to repetition operator: `*`"],
  ["regex: repeat count over 1000", "{{regexFindAll \"a{1001}\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"a{1001}\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`a{1001}`): error parsing regexp: invalid repeat count: `{1001}`"],
  ["regex: a class range backwards", "{{regexFindAll \"[z-a]\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"[z-a]\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`[z-a]`): error parsing regexp: invalid character class range: `z-a`"],
  ["regex: unexpected )", "{{regexFindAll \"a)\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"a)\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`a)`): error parsing regexp: unexpected ): `a)`"],
  ["regex: unknown Unicode class", "{{regexFindAll \"\\\\pX\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"\\\\pX\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`\\pX`): error parsing regexp: invalid character class range: `\\pX`"],
  ["regex: unknown POSIX class", "{{regexFindAll \"[[:foo:]]\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"[[:foo:]]\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`[[:foo:]]`): error parsing regexp: invalid character class range: `[:foo:]`"],
  ["regex: empty group name", "{{regexFindAll \"(?P<>a)\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"(?P<>a)\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`(?P<>a)`): error parsing regexp: invalid named capture: `(?P<>`"],
  ["regex: unclosed group name", "{{regexFindAll \"(?P<a\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"(?P<a\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`(?P<a`): error parsing regexp: invalid named capture: `(?P<a`"],
  ["regex: (?-) without a flag", "{{regexFindAll \"(?-)a\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"(?-)a\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`(?-)a`): error parsing regexp: invalid or unsupported Perl syntax: `(?-)`"],
  ["regex: \\C", "{{regexFindAll \"\\\\C\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"\\\\C\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`\\C`): error parsing regexp: invalid escape sequence: `\\C`"],
  ["regex: \\8", "{{regexFindAll \"\\\\8\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"\\\\8\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`\\8`): error parsing regexp: invalid escape sequence: `\\8`"],
  ["regex: a repetition repeated", "{{regexFindAll \"a{2}{3}\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"a{2}{3}\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`a{2}{3}`): error parsing regexp: invalid nested repetition operator: `{2}{3}`"],
  ["regexFindAll's count must be an integer constant", "{{regexFindAll \"x\" \"x\" \"1\"}}", "", "template: format output:1:23: executing \"format output\" at <\"1\">: expected integer; found \"1\""],
  ["regex: \\x{...} past the last code point", "{{regexFindAll \"\\\\x{110000}\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"\\\\x{110000}\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`\\x{110000}`): error parsing regexp: invalid escape sequence: `\\x{110000`"],
  ["regex: \\x with one digit", "{{regexFindAll \"\\\\x4\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"\\\\x4\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`\\x4`): error parsing regexp: invalid escape sequence: `\\x4`"],
  ["regex: missing ]", "{{regexFindAll \"[a\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"[a\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`[a`): error parsing regexp: missing closing ]: `[a`"],
  ["regex: trailing backslash", "{{regexFindAll \"\\\\\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"\\\\\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`\\`): error parsing regexp: trailing backslash at end of expression: ``"],
  ["regex: \\x{} empty", "{{regexFindAll \"\\\\x{}\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"\\\\x{}\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`\\x{}`): error parsing regexp: invalid escape sequence: `\\x{}`"],
  ["regex: \\x{...} with a non-hex digit", "{{regexFindAll \"\\\\x{4g}\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"\\\\x{4g}\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`\\x{4g}`): error parsing regexp: invalid escape sequence: `\\x{4g`"],
  ["regex: \\x{... unclosed", "{{regexFindAll \"\\\\x{41\" \"x\" -1}}", "", "template: format output:1:2: executing \"format output\" at <regexFindAll \"\\\\x{41\" \"x\" -1>: error calling regexFindAll: regexp: Compile(`\\x{41`): error parsing regexp: invalid escape sequence: `\\x{41`"],
];

describe("Go template engine: sprig's functions", () => {
  for (const [what, template, expected] of CASES) {
    it(what, () => assert.equal(renderTemplate(template, DATA), expected));
  }

  for (const [what, template, partial, message] of ERRORS) {
    it(`fails as Go does: ${what}`, () => {
      assert.throws(
        () => renderTemplate(template, DATA),
        (err: unknown) => err instanceof TemplateError && err.message === message && err.partial === partial,
      );
    });
  }

  it('refuses a regex JS would read otherwise, saying so: a case flag past the start (Go: [ab])', () => {
    assert.throws(
      () => renderTemplate('{{regexFindAll "a(?i)b" "ab" -1}}', DATA),
      (err: unknown) => err instanceof TemplateError && err.message.endsWith("error calling regexFindAll: regexp: Compile(`a(?i)b`): a case-insensitive flag (?i) past the start of the pattern, or (?-i) is taken by Go's regexp but not by this engine"),
    );
  });
});
