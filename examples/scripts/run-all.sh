#!/usr/bin/env bash
# Runs every script in examples/scripts with ./jgrad run (extra arguments, e.g. --short, are passed
# to each), then checks that the launcher rejects a missing file and a script that does not compile,
# and that ./jgrad jshell starts with jgrad imported.
# CI calls it with --short; without it, it produces the figures the README shows (in runs/scripts).
set -uo pipefail
cd "$(dirname "$0")/../.."
failed=0
for script in examples/scripts/*.java; do
  echo "== ./jgrad run $script $*"
  start=$(date +%s)
  log="$(mktemp)"
  if ./jgrad run "$script" "$@" | tee "$log"; [ "${PIPESTATUS[0]}" = 0 ]; then
    # each script ends by naming the picture it wrote: it must be there and be a PNG
    png="$(sed -n 's/^wrote \(.*\.png\)$/\1/p' "$log" | tail -1)"
    if [ -n "$png" ] && [ "$(head -c 4 "$png" | tail -c 3)" = PNG ]; then
      echo "== ok ($(( $(date +%s) - start )) s, $png)"
    else
      echo "== FAILED: $script wrote no PNG (said: '${png}')"; failed=1
    fi
  else
    echo "== FAILED: $script"; failed=1
  fi
  rm -f "$log"
done

expect_failure() { # description, expected text in stderr, command...
  local what="$1" text="$2"; shift 2
  local err; err="$("$@" 2>&1 >/dev/null)"; local code=$?
  if [ "$code" = 0 ] || ! grep -q -- "$text" <<<"$err"; then
    echo "== FAILED: $what: exit $code, stderr: $err"; failed=1
  else
    echo "== ok: $what fails with exit $code: $(grep -m1 -- "$text" <<<"$err")"
  fi
}
tmp="$(mktemp -d)"
expect_failure "a missing script" "no such file" ./jgrad run "$tmp/Missing.java"
printf 'public class Broken { public static void main(String[] a) { int x = "text"; } }\n' > "$tmp/Broken.java"
expect_failure "a script that does not compile" "compilation failed" ./jgrad run "$tmp/Broken.java"
rm -rf "$tmp"

# ./jgrad jshell: the startup imports work and a computation runs
said="$(printf 'System.out.println("jshell says " + Variable.of(Tensor.ones(2, 3), true).sum().item());\n/exit\n' \
  | ./jgrad jshell -q 2>&1)"
if grep -q "jshell says 6.0" <<<"$said"; then
  echo "== ok: ./jgrad jshell"
else
  echo "== FAILED: ./jgrad jshell said: $said"; failed=1
fi
# ./jgrad jshell reads a CSV file (commons-csv and the commons-io it needs are on the user's class path)
csvdir="$(mktemp -d)"
printf 'a,b,label\n0.5,1.5,0\n2.5,0.5,1\n1.0,1.0,2\n' > "$csvdir/t.csv"
said="$(printf 'var d = CsvDataset.builder(java.nio.file.Path.of("%s/t.csv")).labelColumn("label").load();\nSystem.out.println("csv rows " + d.size() + " classes " + d.numClasses());\n/exit\n' "$csvdir" \
  | ./jgrad jshell -q 2>&1)"
rm -rf "$csvdir"
if grep -q "csv rows 3 classes 3" <<<"$said"; then
  echo "== ok: ./jgrad jshell reads a CSV file"
else
  echo "== FAILED: ./jgrad jshell on a CSV file said: $said"; failed=1
fi
# On Java 24 and later the JVM warns about native calls unless they are allowed; the launcher allows
# the ones jgrad's backend makes, so a run prints no JVM warning there.
source tools/java.sh
feature="$(java_feature "$(java_bin)")"
if [ "${feature:-0}" -ge 24 ]; then
  warnings="$(./jgrad run examples/scripts/LogisticRegression.java --short 2>&1 >/dev/null | grep '^WARNING' || true)"
  if [ -z "$warnings" ]; then
    echo "== ok: no JVM warnings on Java $feature"
  else
    echo "== FAILED: the JVM warned on Java $feature: $warnings"; failed=1
  fi
fi
exit $failed
