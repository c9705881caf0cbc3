#!/usr/bin/env bash
# Unit tests at the lowest versions pyproject.toml allows: every direct dependency (runtime and
# the [dev] extra) at its floor, the rest at their newest, on the lowest allowed Python. A floor
# that is too low fails here, so the floors in pyproject.toml and environment.yml stay true.
#
# The environment lives in .venv/lowest (inside .venv, so lint and the packaging tests skip it)
# and is rebuilt only when pyproject.toml is newer than its stamp. uv comes from the project's
# .venv (the [dev] extra has it; it is pip-installed there if missing). Notebooks, the browser
# test and tests marked slow are left to `make test`.
#
#   bash tools/check_lowest.sh [extra pytest arguments]      (or: make test-lowest)
#
# LOWEST_PYTHON=3.12 tests the floors on another Python than the lowest one allowed.
set -euo pipefail
cd "$(dirname "$0")/.."

MAIN=.venv
VENV=$MAIN/lowest
STAMP=$VENV/.installed

if [ ! -x "$MAIN/bin/python" ]; then
  echo "check_lowest: $MAIN/bin/python is missing: run \`make test-lowest\` (it creates $MAIN)" >&2
  exit 1
fi
if [ ! -x "$MAIN/bin/uv" ]; then
  echo "installing uv into $MAIN"
  "$MAIN/bin/python" -m pip install --quiet uv
fi
UV=$MAIN/bin/uv

# The lowest Python that requires-python allows (">=3.11" gives 3.11).
floor_python=$("$MAIN/bin/python" - <<'EOF'
import re
import tomllib

with open("pyproject.toml", "rb") as f:
    spec = tomllib.load(f)["project"]["requires-python"]
found = re.search(r">=\s*(\d+\.\d+)", spec)
if not found:
    raise SystemExit(f"pyproject.toml: requires-python {spec!r} has no '>=' floor to test")
print(found.group(1))
EOF
)
python_version=${LOWEST_PYTHON:-$floor_python}

if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] || [ ! -x "$VENV/bin/python" ]; then
  echo "building $VENV: Python $python_version, direct dependencies at their lowest versions"
  rm -rf "$VENV"
  if ! UV_PYTHON_DOWNLOADS=never "$UV" venv --quiet --python "$python_version" "$VENV"; then
    echo "check_lowest: no Python $python_version found; install it (the lowest Python" \
      "pyproject.toml allows) or set LOWEST_PYTHON to a Python you have" >&2
    exit 1
  fi
  "$UV" pip install --quiet --python "$VENV/bin/python" --resolution lowest-direct -e ".[dev]"
  touch "$STAMP"
fi

echo
echo "==== Unit tests at the lowest allowed versions ===="
"$UV" pip list --python "$VENV/bin/python" --format freeze 2>/dev/null \
  | "$MAIN/bin/python" -c '
import re, sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
names = project["dependencies"] + project["optional-dependencies"]["dev"]
direct = {re.split(r"[<>=!~ \[;]", d, maxsplit=1)[0].lower().replace("_", "-") for d in names}
pins = [line.strip() for line in sys.stdin if line.split("==")[0].lower() in direct]
print("Python", sys.argv[1] + ":", " ".join(pins))
' "$("$VENV/bin/python" -c 'import platform; print(platform.python_version())')"
# Only the unit tests: not the notebooks (no --nbval), not the browser test, not slow ones.
exec "$VENV/bin/python" -m pytest tests -o addopts="-ra --strict-markers" -p no:cacheprovider \
  --ignore=tests/test_browser.py -m "not slow" -q "$@"
