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

# expect_not NAME PATTERN COMMAND...: the command succeeds and does not print PATTERN.
expect_not() {
  local name=$1 pattern=$2; shift 2
  local out; out=$("$@" 2>&1 </dev/null); local rc=$?
  if [ "$rc" -eq 0 ] && ! grep -qE -- "$pattern" <<<"$out"; then
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
expect "simulator switched on in production" 1 "sim.enabled" env SECINFO_MODE=production SECINFO_SIM_ENABLED=true "$bin" serve
expect "simulated provider without simulator" 1 "voice.provider" env SECINFO_SIM_ENABLED=false "$bin" serve
expect "sip without host" 1 "voice.sip.host" env SECINFO_VOICE_PROVIDER=sip "$bin" serve
expect "smpp without host" 1 "sms.smpp.host" env SECINFO_SMS_PROVIDER=smpp "$bin" serve
expect "http sms without url" 1 "sms.http.url" env SECINFO_SMS_PROVIDER=http "$bin" serve
expect "smtp without host" 1 "email.smtp.host" env SECINFO_EMAIL_PROVIDER=smtp "$bin" serve
expect "migrate" 0 "applied 001_initial" "$bin" migrate
expect "migrate again" 0 "up to date" "$bin" migrate
expect "create tenant" 0 "created" "$bin" admin create-tenant --name Contoso --domain contoso.example
expect "duplicate tenant" 1 "create-tenant" "$bin" admin create-tenant --name C --domain contoso.example
expect "short password" 1 "at least 8 characters" "$bin" admin create-user --email a@contoso.example --password short
expect "unknown domain" 1 "no tenant" "$bin" admin create-user --email a@nowhere.example --password longenough
expect "create user" 0 "created" "$bin" admin create-user --email Ana@Contoso.example --password longenough
expect "list users" 0 "ana@contoso.example" "$bin" admin list-users --tenant contoso.example
# What people type reaches the operator's terminal escaped: no sequence can clear or retitle it.
expect "user named with escapes" 0 "created" "$bin" admin create-user --email eve@contoso.example --name $'Eve\e[2J\e]0;pwned\a' --password longenough
expect "list users escapes" 0 'Eve\\x1B\[2J\\x1B\]0;pwned\\x07' "$bin" admin list-users --tenant contoso.example
expect_not "no raw escape reaches the terminal" $'\e' "$bin" admin list-users --tenant contoso.example

# Passwords: the one rule at create-user and reset-password, banned words, temporary passwords.
p=(--tenant contoso.example)
expect "dictionary password" 1 "dictionary word" "$bin" admin create-user --email bo@contoso.example --password password1
expect "tenant name in password" 1 "name of your organization" "$bin" admin create-user --email bo@contoso.example --password "welcome to Contoso"
expect "short banned word" 1 "4 to 64" "$bin" admin add-banned-word "${p[@]}" --word abc
expect "add banned word" 0 "no longer contain" "$bin" admin add-banned-word "${p[@]}" --word "Lutèce"
expect "banned word twice" 1 "banned already" "$bin" admin add-banned-word "${p[@]}" --word "LUTÈCE"
expect "list banned words" 0 "^Lutèce$" "$bin" admin list-banned-words "${p[@]}"
expect "banned password" 1 "banned" "$bin" admin create-user --email bo@contoso.example --password "vive lutèce 1999"
expect "reset needs a kind" 1 "give --temporary or --password-stdin" "$bin" admin reset-password "${p[@]}" --user ana@contoso.example
expect "reset unknown user" 1 "has no user" "$bin" admin reset-password "${p[@]}" --user nobody@contoso.example --temporary
expect "temporary password" 0 "temporary password for ana@contoso.example: [a-z2-9]{4}(-[a-z2-9]{4}){3}" "$bin" admin reset-password "${p[@]}" --user ana@contoso.example --temporary
expect "remove banned word" 0 "allowed again" "$bin" admin remove-banned-word "${p[@]}" --word "lutèce"
expect "remove it twice" 1 "is not banned" "$bin" admin remove-banned-word "${p[@]}" --word "lutèce"
expect "unknown method" 1 "unknown method 'fax'" "$bin" admin set-methods --tenant contoso.example --allow phone,fax
expect "set methods" 0 "allows: phone" "$bin" admin set-methods --tenant contoso.example --allow phone

# Security questions: the tenant's numbers and custom questions, checked like the pages check them.
q=(--tenant contoso.example)
expect "question defaults" 0 "questions to register: 3" "$bin" admin list-questions "${q[@]}"
expect "questions: no number" 1 "give --to-register" "$bin" admin set-questions "${q[@]}"
expect "questions: 6 to register" 1 "register must be from 3 to 5" "$bin" admin set-questions "${q[@]}" --to-register 6
expect "questions: 2 to reset" 1 "reset a password must be from 3 to 5" "$bin" admin set-questions "${q[@]}" --to-reset 2
expect "questions: reset above register" 1 "can't be more than" "$bin" admin set-questions "${q[@]}" --to-register 3 --to-reset 4
expect "questions: set" 0 "4 questions to register, 3 to reset" "$bin" admin set-questions "${q[@]}" --to-register 4
expect "questions: other kept" 0 "4 questions to register, 4 to reset" "$bin" admin set-questions "${q[@]}" --to-reset 4
expect "questions: unknown tenant" 1 "no tenant" "$bin" admin list-questions --tenant nowhere.example
expect "add question" 0 "custom question 1 added: Nom du premier chef \?$" "$bin" admin add-question "${q[@]}" --text "  Nom du premier   chef ? "
expect "question twice" 1 "already exists" "$bin" admin add-question "${q[@]}" --text "nom du premier chef?"
expect "predefined question" 1 "one of the predefined" "$bin" admin add-question "${q[@]}" --text "What was the name of your first pet"
expect "short question" 1 "at least 3 characters" "$bin" admin add-question "${q[@]}" --text " ab "
expect "question with control" 1 "aren't allowed" "$bin" admin add-question "${q[@]}" --text $'Ville\x07 ?'
expect "list questions" 0 $'^custom question 1\tNom du premier chef \\?' "$bin" admin list-questions "${q[@]}"
expect "delete unknown question" 1 "no custom question 9" "$bin" admin delete-question "${q[@]}" --id 9
expect "delete question" 0 "custom question 1 deleted" "$bin" admin delete-question "${q[@]}" --id 1
expect "deleted question gone" 0 "no custom questions" "$bin" admin list-questions "${q[@]}"

# Recorded greetings: WAV uploads checked and converted, one per tenant and language.
g=(--tenant contoso.example)
sox -n -r 16000 -c 2 "$dir/hello.wav" synth 3 sine 440
sox -n -r 16000 -c 1 "$dir/five.wav" synth 5 sine 1000
sox -n -r 8000 -c 1 "$dir/long.wav" synth 25 sine 440
sox -n -r 48000 -c 2 "$dir/big.wav" synth 6 sine 440
printf 'Bonjour, ceci est un texte.\n' >"$dir/notes.wav"
head -c 50000 "$dir/hello.wav" >"$dir/cut.wav"
expect "greeting: none yet" 0 "no custom greetings" "$bin" admin list-greetings "${g[@]}"
expect "greeting: unknown tenant" 1 "no tenant" "$bin" admin set-greeting --tenant nowhere.example --locale fr "$dir/hello.wav"
expect "greeting: no catalog" 1 "'de' is not a language secinfo speaks \(fr, en\)" "$bin" admin set-greeting "${g[@]}" --locale de "$dir/hello.wav"
expect "greeting: no file" 1 "missing.wav is not a file" "$bin" admin set-greeting "${g[@]}" --locale fr "$dir/missing.wav"
expect "greeting: text named .wav" 1 "isn't a WAV recording" "$bin" admin set-greeting "${g[@]}" --locale fr "$dir/notes.wav"
expect "greeting: over 1 MB" 1 "larger than 1 MB" "$bin" admin set-greeting "${g[@]}" --locale fr "$dir/big.wav"
expect "greeting: 25 s" 1 "longer than 20 seconds" "$bin" admin set-greeting "${g[@]}" --locale fr "$dir/long.wav"
expect "greeting: truncated" 1 "can't be read.*cut short" "$bin" admin set-greeting "${g[@]}" --locale fr "$dir/cut.wav"
expect "greeting: refusals stored nothing" 0 "no custom greetings" "$bin" admin list-greetings "${g[@]}"
expect "greeting: set" 0 "fr greeting of contoso.example set: 3.0 s, 24000 bytes" "$bin" admin set-greeting "${g[@]}" --locale fr "$dir/hello.wav"
expect "greeting: refused upload keeps it" 1 "longer than 20 seconds" "$bin" admin set-greeting "${g[@]}" --locale fr "$dir/long.wav"
expect "greeting: listed" 0 $'^fr\t3.0 s\t24000 bytes$' "$bin" admin list-greetings "${g[@]}"
expect "greeting: replaced" 0 "fr greeting of contoso.example set: 5.0 s, 40000 bytes" "$bin" admin set-greeting "${g[@]}" --locale fr "$dir/five.wav"
expect "greeting: english" 0 "en greeting of contoso.example set" "$bin" admin set-greeting "${g[@]}" --locale en "$dir/hello.wav"
expect "greeting: both listed" 0 $'^en\t3.0 s\t24000 bytes$' "$bin" admin list-greetings "${g[@]}"
expect "greeting: replacement listed" 0 $'^fr\t5.0 s\t40000 bytes$' "$bin" admin list-greetings "${g[@]}"
expect "greeting: set audited" 0 $'\tadmin-cli\t\tgreeting_set\t\tsuccess\tfr: 5.0 s, 40000 bytes$' "$bin" admin audit "${g[@]}"
expect "greeting: remove unknown locale" 1 "'xx' is not a language" "$bin" admin remove-greeting "${g[@]}" --locale xx
expect "greeting: remove" 0 "fr greeting of contoso.example removed" "$bin" admin remove-greeting "${g[@]}" --locale fr
expect "greeting: remove again" 1 "contoso.example has no fr greeting" "$bin" admin remove-greeting "${g[@]}" --locale fr
expect_not "greeting: removed from the list" "^fr" "$bin" admin list-greetings "${g[@]}"
expect "greeting: other kept" 0 $'^en\t3.0 s' "$bin" admin list-greetings "${g[@]}"
expect "greeting: removal audited" 0 $'\tadmin-cli\t\tgreeting_remove\t\tsuccess\tfr$' "$bin" admin audit "${g[@]}"
expect "audit as JSON lines" 0 '^\{"at":[0-9]+,"time":"20[0-9-]+T[0-9:.]+Z","actor":"admin-cli",.*"action":"greeting_remove"' "$bin" admin audit "${g[@]}" --json
expect "audit since today" 0 "greeting_remove" "$bin" admin audit "${g[@]}" --since "$(date -u +%F)"
expect_not "audit until 1970" "." "$bin" admin audit "${g[@]}" --until 1970-01-01
expect_not "audit since tomorrow" "." "$bin" admin audit "${g[@]}" --since "$(date -u -d tomorrow +%F)"
expect "audit bad date" 1 "2026-12-03T10:30:00Z" "$bin" admin audit "${g[@]}" --since yesterday

expect "purposes" 0 "phone: two-step verification off, password reset on" "$bin" admin set-purposes --tenant contoso.example --method phone --mfa off --sspr on
expect "show policy" 0 "phone	allowed	mfa=no	sspr=yes" "$bin" admin show-policy --tenant contoso.example
expect "email cannot do mfa" 1 "cannot be used for two-step verification" "$bin" admin set-purposes --tenant contoso.example --method email --mfa on --sspr on
expect "questions off by default" 0 "questions	off" "$bin" admin show-policy --tenant contoso.example

# OpenID Connect applications.
o=(--tenant contoso.example)
expect "client: relative redirect refused" 1 "absolute http\(s\) URL" "$bin" admin add-client "${o[@]}" --name Wiki --redirect-uri /cb
expect "client: unknown scope refused" 1 "unknown scope phone" "$bin" admin add-client "${o[@]}" --name Wiki --redirect-uri https://wiki.example/cb --scopes openid,phone
expect "client: secret shown once" 0 "^client_secret: [A-Za-z0-9_-]{43}$" "$bin" admin add-client "${o[@]}" --name Wiki --redirect-uri https://wiki.example/cb
expect_not "client: public has no secret" "client_secret" "$bin" admin add-client "${o[@]}" --name App --redirect-uri http://127.0.0.1:9/cb --public
expect "client: listed" 0 $'\tWiki\tconfidential\tRS256\topenid profile email offline_access\thttps://wiki.example/cb$' "$bin" admin list-clients "${o[@]}"
public_id=$("$bin" admin list-clients "${o[@]}" | awk -F'\t' '$2 == "App" {print $1}')
expect "client: public secret not rotated" 1 "public client has no secret" "$bin" admin rotate-client-secret "${o[@]}" --client-id "$public_id"
expect "client: removed" 0 "removed $public_id" "$bin" admin remove-client "${o[@]}" --client-id "$public_id"
expect "client: removed twice" 1 "no application" "$bin" admin remove-client "${o[@]}" --client-id "$public_id"
expect "client: addition audited" 0 $'\tadmin-cli\t\toidc_client_add\t\tsuccess\tWiki' "$bin" admin audit "${o[@]}"
expect "signing keys rotated" 0 "signing with [A-Za-z0-9_-]{43}" "$bin" admin rotate-signing-key

# A tenant moved to another database with export / import (JSON lines).
expect "export unknown tenant" 1 "no tenant has the domain nowhere.example" "$bin" admin export --tenant nowhere.example
"$bin" admin export --tenant contoso.example >"$dir/contoso.jsonl" 2>"$dir/export.log"
expect "export counts what it wrote" 0 "exported 2 users" cat "$dir/export.log"
expect "import into another database" 0 "imported 2 users" sh -c "SECINFO_DATABASE_CONNECTION='$dir/other.sqlite' '$bin' admin import <'$dir/contoso.jsonl'"
expect "imported people listed" 0 "ana@contoso.example" env SECINFO_DATABASE_CONNECTION="$dir/other.sqlite" "$bin" admin list-users --tenant contoso.example
expect "import twice refused" 1 "nothing was imported" sh -c "SECINFO_DATABASE_CONNECTION='$dir/other.sqlite' '$bin' admin import <'$dir/contoso.jsonl'"
expect "import of nonsense refused" 1 "not a secinfo export" sh -c "echo hello | SECINFO_DATABASE_CONNECTION='$dir/other.sqlite' '$bin' admin import"

# PostgreSQL needs a connection string, not the SQLite default path.
expect "postgresql without connection string" 1 "database.connection.*host=" env SECINFO_DATABASE_BACKEND=postgresql SECINFO_DATABASE_CONNECTION=data/secinfo.db "$bin" migrate
expect "postgresql unreachable" 1 "database" env SECINFO_DATABASE_BACKEND=postgresql SECINFO_DATABASE_CONNECTION="host=127.0.0.1 port=1 dbname=x connect_timeout=2" "$bin" migrate

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
