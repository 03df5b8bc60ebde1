/**
 * The functions a template may call: Go's builtins and sprig's (which oras adds), those of sprig's that read or
 * shape output; not its clock, random, crypto, OS, network or semver ones. Each declares its parameters' Go types,
 * which exec checks as Go does when calling a function of that signature.
 */
import { BUILTINS } from './builtins';
import type { AnyFunc } from './callable';
import { SPRIG_DATA } from './sprigData';
import { SPRIG_STRINGS } from './sprigStrings';

export const FUNCS: Record<string, AnyFunc> = { ...SPRIG_STRINGS, ...SPRIG_DATA, ...BUILTINS };
