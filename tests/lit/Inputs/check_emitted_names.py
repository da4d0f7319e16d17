"""check_emitted_names.py - name-clash checks on HALO's generated C/C++ source.

  check_emitted_names.py params FILE       every function prototype/definition in FILE
                                           has distinct parameter names
  check_emitted_names.py locals FILE       no `odla_value NAME` local of the build
                                           function is also a weight symbol (an
                                           `extern const T NAME[N];` declaration)

Exits 1 and prints the clashing names when a check fails, 0 otherwise.
"""
import re
import sys


def check_params(text: str) -> list:
    bad = []
    for m in re.finditer(r"^(?:extern \"C\" )?void (\w+)\(([^)]*)\)", text, re.M):
        names = re.findall(r"(\w+)\[", m.group(2))
        dups = sorted({n for n in names if names.count(n) > 1})
        if dups:
            bad.append("%s: parameter(s) %s declared twice" % (m.group(1), ", ".join(dups)))
    return bad


def check_locals(text: str) -> list:
    symbols = set(re.findall(r"^extern const \w+ (\w+)\[", text, re.M))
    locals_ = set(re.findall(r"^\s+odla_value (\w+) =", text, re.M))
    return ["local odla_value '%s' hides the weight symbol of the same name" % n for n in sorted(symbols & locals_)]


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("params", "locals"):
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[2], encoding="utf-8") as f:
        text = f.read()
    bad = check_params(text) if sys.argv[1] == "params" else check_locals(text)
    for b in bad:
        print("%s: %s" % (sys.argv[2], b), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
