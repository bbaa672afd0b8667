#!/usr/bin/env bash
# The secinfo command as an operator meets it: bad settings stop it with a message naming the
# setting and a non-zero exit; admin commands refuse bad input. Usage: cli_test.sh path/to/secinfo
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export SECINFO_DATABASE_CONNECTION=$dir/db.sqlite SECINFO_SECURITY_KEY_FILE=$dir/key
passed=0 failed=0

# expect NAME EXIT_CODE PATTERN COMMAND...: the command exits with EXIT_CODE and prints PATTERN.
expect() {
  local name=$1 code=$2 pattern=$3; shift 3
  local out; out=$("$@" 2>&1 </dev/null); local rc=$?
  if [ "$rc" -eq "$code" ] && grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL $name: exit $rc, output: $out"
  fi
}

expect "port not a number" 1 "server.port" env SECINFO_SERVER_PORT=abc "$bin" serve
expect "port out of range" 1 "server.port" env SECINFO_SERVER_PORT=70000 "$bin" serve
expect "unknown variable" 1 "SECINFO_SERVER_PROT" env SECINFO_SERVER_PROT=1 "$bin" serve
printf '[voice]\nprovider = "pigeon"\n' >"$dir/bad.toml"
expect "unknown provider" 1 "voice.provider" "$bin" -c "$dir/bad.toml" serve
printf '[server\n' >"$dir/broken.toml"
expect "toml syntax" 1 "line 1" "$bin" -c "$dir/broken.toml" serve
expect "simulator in production" 1 "production" env SECINFO_MODE=production "$bin" serve
expect "migrate" 0 "applied 001_initial" "$bin" migrate
expect "migrate again" 0 "up to date" "$bin" migrate
expect "create tenant" 0 "created" "$bin" admin create-tenant --name Contoso --domain contoso.example
expect "duplicate tenant" 1 "create-tenant" "$bin" admin create-tenant --name C --domain contoso.example
expect "short password" 1 "8 to 256" "$bin" admin create-user --email a@contoso.example --password short
expect "unknown domain" 1 "no tenant" "$bin" admin create-user --email a@nowhere.example --password longenough
expect "create user" 0 "created" "$bin" admin create-user --email Ana@Contoso.example --password longenough
expect "list users" 0 "ana@contoso.example" "$bin" admin list-users --tenant contoso.example
expect "unknown method" 1 "unknown method 'fax'" "$bin" admin set-methods --tenant contoso.example --allow phone,fax
expect "set methods" 0 "allows: phone" "$bin" admin set-methods --tenant contoso.example --allow phone

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
