#!/usr/bin/env bash
# Gets a ticket from SoPrincipal.svc, then calls every Chat.svc operation in SOAP 1.1 and SOAP 1.2
# with the requests in this folder. Usage: ./call-all.sh [BASE_URL] [USER] [PASSWORD]
# Defaults: http://localhost:5000 agent2 agent2 (the demo directory).
set -euo pipefail
cd "$(dirname "$0")"
base="${1:-http://localhost:5000}"
user="${2:-agent2}"
password="${3:-$user}"
ns="http://www.superoffice.net/ws/crm/NetServer/Services86"

# post VERSION SERVICE OPERATION FILE: prints the reply.
post() {
  local version="$1" service="$2" operation="$3" file="$4" action="$ns/$2/$3"
  if [ "$version" = 11 ]; then
    curl -sS -X POST "$base/Remote/Services86/$service.svc" \
      -H 'Content-Type: text/xml; charset=utf-8' -H "SOAPAction: \"$action\"" --data-binary @-
  else
    curl -sS -X POST "$base/Remote/Services86/$service.svc" \
      -H "Content-Type: application/soap+xml; charset=utf-8; action=\"$action\"" --data-binary @-
  fi < <(sed -e "s|{{USER}}|$user|" -e "s|{{PASSWORD}}|$password|" -e "s|{{TICKET}}|${ticket:-}|" -e "s|{{USER_ID}}|${user_id:-0}|" "$file")
  echo
}

for version in 11 12; do
  echo "== SOAP ${version:0:1}.${version:1:1}: AuthenticateUsernamePassword as $user"
  login="$(post "$version" SoPrincipal AuthenticateUsernamePassword "AuthenticateUsernamePassword.soap$version.xml")"
  echo "$login"
  ticket="$(sed -n 's|.*<t:Ticket>\([^<]*\)</t:Ticket>.*|\1|p' <<<"$login")"
  user_id="$(sed -n 's|.*<t:AssociateId>\([0-9]*\)</t:AssociateId>.*|\1|p' <<<"$login")"
  if [ -z "$ticket" ]; then
    echo "No ticket: wrong user name or password?" >&2
    exit 1
  fi
  for operation in GetChatPresence SaveChatPresence IsWithinOpeningHours; do
    echo "== SOAP ${version:0:1}.${version:1:1}: $operation"
    post "$version" Chat "$operation" "$operation.soap$version.xml"
  done
done
