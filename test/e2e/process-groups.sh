# Sourced by run.sh and try.sh. Runs their long-lived commands each as the leader of a new process
# group, and on exit, Ctrl+C or TERM ends those groups and every group the Node side recorded in
# $ISTIO_EGRESS_E2E_PIDS (code-server, Chromium; see process-groups.ts): by group id, never by name.
# Everything the run writes to TMPDIR (scratch workspaces, code-server state, browser profiles) lands
# in one folder, removed at the end too, unless ISTIO_EGRESS_E2E_KEEP is set.

E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/istio-egress-e2e.XXXXXX")
export TMPDIR=$E2E_TMP
export ISTIO_EGRESS_E2E_PIDS=$E2E_TMP/pids
mkdir -p "$ISTIO_EGRESS_E2E_PIDS"

# group_alive <pgid>: true while a member of the group runs. Zombies do not count: in a container
# nobody may reap them, and they need no ending.
group_alive() {
  local stat line fields
  for stat in /proc/[0-9]*/stat; do
    read -r line < "$stat" 2>/dev/null || continue
    read -r -a fields <<< "${line##*) }" # after "pid (comm) ": state ppid pgrp ...
    [ "${fields[2]}" = "$1" ] && [ "${fields[0]}" != Z ] && return 0
  done
  return 1
}

end_groups() {
  local f group groups=() i
  for f in "$ISTIO_EGRESS_E2E_PIDS"/*; do
    [ -e "$f" ] && groups+=("${f##*/}")
  done
  for group in "${groups[@]}"; do kill -TERM -- "-$group" 2>/dev/null || true; done
  for group in "${groups[@]}"; do
    for i in $(seq 50); do group_alive "$group" || break; sleep 0.1; done
    kill -KILL -- "-$group" 2>/dev/null || true
  done
  if [ -n "${ISTIO_EGRESS_E2E_KEEP:-}" ]; then
    echo "kept: $E2E_TMP"
  else
    rm -rf "$E2E_TMP"
  fi
}
trap end_groups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# in_group <command...>: runs the command in a new process group and waits for it. Waiting on a
# background job lets a trapped signal interrupt the wait at once.
in_group() {
  local pid rc=0
  setsid "$@" &
  pid=$!
  touch "$ISTIO_EGRESS_E2E_PIDS/$pid"
  wait "$pid" || rc=$?
  rm -f "$ISTIO_EGRESS_E2E_PIDS/$pid"
  return "$rc"
}
