# Sourced by ./jgrad, bench/run.sh, .ci/run and examples/scripts/run-all.sh: which java runs jgrad,
# which Java release it is, and the flags jgrad's native backend needs on it. One place, so the
# launcher, the bench and CI cannot disagree.

# A JDK tool ($1: java, jshell, ...): $JAVA_HOME's when it is set (as Maven's own launcher picks
# it), else the PATH's; java_bin is the java.
java_tool() { echo "${JAVA_HOME:+$JAVA_HOME/bin/}$1"; }
java_bin() { java_tool java; }

# The feature release (17, 25, ...) of the java binary $1; empty when it does not run.
java_feature() { "$1" -version 2>&1 | sed -nE '1s/.*version "(1\.)?([0-9]+).*/\2/p'; }

# The flags for feature release $1: from Java 24 on the JVM warns about JNA's and JavaCPP's native
# calls (System.loadLibrary, sun.misc.Unsafe) unless they are allowed; jgrad's backend makes them.
java_native_opts() { [ "${1:-0}" -lt 24 ] || echo "--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"; }
