# Sourced by ./pathlens and ./build: points JAVA_HOME at a JDK 25 (the machine default may be 17).
pathlens_java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(pathlens_java_major "$JAVA_HOME")" -lt 25 ]; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/java" ] && [ "$(pathlens_java_major "$candidate")" -ge 25 ] 2>/dev/null; then
      JAVA_HOME="$candidate"; break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "pathlens: no JDK 25 found: set JAVA_HOME to a JDK 25 or install one under /usr/lib/jvm" >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
