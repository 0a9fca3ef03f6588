#!/usr/bin/env bash
# Writes bash completion for taskfarm to stdout, its flags taken from
# `taskfarm --help` (argument 1: the master binary), so that the two cannot
# drift apart. Used by //:taskfarm_completion.
set -euo pipefail
flags=$("$1" --help | grep -oE -- '(^|[ ,])--[a-z][a-z_-]*' | grep -oE -- '--[a-z_-]+' |
  sort -u | tr '\n' ' ')
cat <<COMPLETION
# bash completion for taskfarm (generated from taskfarm --help)
_taskfarm() {
  local cur=\${COMP_WORDS[COMP_CWORD]} i dashdash=0
  # Flags end where the command begins: find where that is.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -a|-j|-P|--jobs|--joblog|--results|--arg-file|--timeout|--halt) ((i++)) ;;
      --) dashdash=1; ((i++)); break ;;
      -*) ;;
      *) break ;;
    esac
  done
  if ((i < COMP_CWORD)); then
    COMPREPLY=(\$(compgen -f -- "\$cur"))  # the command's arguments, values
  elif [[ "\$cur" == -* ]] && ((!dashdash)); then
    COMPREPLY=(\$(compgen -W "$flags -j -k -a" -- "\$cur"))
  else
    COMPREPLY=(\$(compgen -c -f -- "\$cur"))  # a command, or a task file
  fi
}
complete -o filenames -F _taskfarm taskfarm
COMPLETION
