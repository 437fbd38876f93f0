#!/bin/sh
# test_sendmail - csp-milter end to end through a real Sendmail 8.17 relay.
# Debian's sendmail-bin conflicts with postfix, so its packages (downloaded
# by contrib/install-deps.sh into /var/cache/csp-milter-tests/sendmail) are
# unpacked here, never installed.  The relay runs in the foreground in a
# private mount namespace whose /etc/hosts gives the host a qualified name
# (else every sendmail call sleeps 60 s), with everything it writes in a
# temp folder, and relays to smtp-sink; INPUT_MAIL_FILTER has F=T.
# Cases: reroute; mixed recipients split in one transaction; a partner added
# twice delivered once; a non-vendor sender untouched; quarantine (the
# client gets 250, the queue file stays, "mailq -qQ" lists it) and its
# release with the command csp-milter-audit prints; csp-milter-audit
# --review on the quarantine (list, release, reroute); reject with scope
# "message" (550 at the final dot) and, after a SIGUSR1 reload, with scope
# "recipients"; a reload under traffic; the milter down (451 4.3.2).
# Needs root, m4, libwrap0, swaks, smtp-sink and the Sendmail packages.
# Ends with "N passed, M failed".

SUITE=test_sendmail
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/deploy/lib.sh"
BIN=$top_builddir/src/csp-milter
AUDIT=$top_builddir/src/csp-milter-audit
PKGS=${CSP_SENDMAIL_DEBS:-/var/cache/csp-milter-tests/sendmail}

need_or_fail root is_root
need_or_fail "$BIN and $AUDIT (make)" [ -x "$BIN" -a -x "$AUDIT" ]
for t in m4 swaks smtp-sink unshare nsenter dpkg-deb ss; do
	need_or_fail "$t" have $t
done
need_or_fail "Sendmail's packages in $PKGS (contrib/install-deps.sh)" \
    sh -c "ls '$PKGS'/sendmail-bin_*.deb '$PKGS'/sendmail-base_*.deb '$PKGS'/sendmail-cf_*.deb >/dev/null 2>&1"
need_or_fail "libwrap0 (Sendmail links it)" sh -c "ls /lib/*/libwrap.so.0 /usr/lib/*/libwrap.so.0 >/dev/null 2>&1"

T=$(mktemp -d /tmp/csp-sm.XXXXXX) || exit 1
chmod 755 "$T"
SMPID=
MPID=
SINK_PID=
cleanup() {
	[ -n "$MPID" ] && stop_pid "$MPID"
	[ -n "$SMPID" ] && stop_pid "$SMPID"
	[ -n "$SINK_PID" ] && stop_pid "$SINK_PID"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

free_port() {
	_p=$(( ($$ % 2000) + 34000 + $1 ))
	while ss -ltnH "sport = :$_p" 2>/dev/null | grep -q .; do _p=$((_p + 1)); done
	echo $_p
}

# ---- Sendmail, unpacked ------------------------------------------------------------
SM=$T/sm
mkdir -p "$SM"
for d in "$PKGS"/sendmail-bin_*.deb "$PKGS"/sendmail-base_*.deb "$PKGS"/sendmail-cf_*.deb; do
	dpkg-deb -x "$d" "$SM" || { echo "FAIL: cannot unpack $d"; exit 1; }
done
SENDMAIL=$SM/usr/libexec/sendmail/sendmail
VERSION=$(dpkg-deb -f "$(ls "$PKGS"/sendmail-bin_*.deb | head -1)" Version)
check "Sendmail $VERSION unpacked" [ -x "$SENDMAIL" ]
case $VERSION in 8.17.*) ok "it is Sendmail 8.17" ;; *) nok "Sendmail 8.17 wanted, got $VERSION" ;; esac

W=$T/work
mkdir -p "$W/etc" "$W/mqueue" "$W/milter" "$W/sink"
chmod 700 "$W/mqueue"
chown nobody "$W/sink"
SM_PORT=$(free_port 1)
SINK_PORT=$(free_port 2)
printf 'postmaster: root\n' >"$W/etc/aliases"
: >"$W/etc/sendmail.st"
printf 'hosts files\naliases files\n' >"$W/etc/service.switch"
printf '127.0.0.1 relay.e2e.test %s localhost\n' "$(hostname)" >"$W/etc/hosts"
cp "$W/etc/hosts" "$T/hosts.ns"
cat >"$W/relay.mc" <<EOF
divert(0)dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`relay.e2e.test')dnl
define(\`MAIL_SETTINGS_DIR', \`$W/etc/')dnl
define(\`QUEUE_DIR', \`$W/mqueue')dnl
define(\`ALIAS_FILE', \`$W/etc/aliases')dnl
define(\`STATUS_FILE', \`$W/etc/sendmail.st')dnl
define(\`confPID_FILE', \`$W/sendmail.pid')dnl
define(\`confSERVICE_SWITCH_FILE', \`$W/etc/service.switch')dnl
define(\`confHOSTS_FILE', \`$W/etc/hosts')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`confDONT_PROBE_INTERFACES', \`true')dnl
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`SMART_HOST', \`esmtp:[127.0.0.1]')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $SINK_PORT')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`no_default_msa')dnl
DAEMON_OPTIONS(\`Port=$SM_PORT, Addr=127.0.0.1, Name=MTA')dnl
INPUT_MAIL_FILTER(\`csp', \`S=unix:$W/milter/csp.sock, F=T, T=S:30s;R:30s;E:5m')dnl
MAILER(\`smtp')dnl
EOF
CF=$W/relay.cf
m4 -D_CF_DIR_="$SM/usr/share/sendmail/cf/" "$SM/usr/share/sendmail/cf/m4/cf.m4" "$W/relay.mc" >"$CF" 2>"$T/m4.err"
check "relay.cf built with m4 (the .mc of contrib/sendmail.mc's milter line, F=T)" test -s "$CF" -a ! -s "$T/m4.err"

# ---- csp-milter with the shipped rules --------------------------------------------------
MC=$W/milter-etc
mkdir -p "$MC"
cp "$top_srcdir/conf/rules.conf" "$MC/rules.conf"
cp "$top_srcdir/tests/e2e/customers.csv" "$MC/customers.csv"
# milter_conf [SED...] - the shipped config on the relay's socket, edited; without
# the learned model, whose sender features would make the two-line messages below
# from billing@ subscription mail (tests/cli/test_train.sh covers the model)
milter_conf() {
	sed -e "s|socket = \"[^\"]*\"|socket = \"unix:$W/milter/csp.sock\"|" \
	    -e '/socket_group = /d' -e '/^[[:space:]]*user = /d' -e '/^[[:space:]]*group = /d' \
	    -e 's|pidfile = "[^"]*"|pidfile = ""|' \
	    -e "s|audit_file = \"[^\"]*\"|audit_file = \"$W/audit.jsonl\"|" \
	    -e '/^model = {/,/^};/d' \
	    "$@" "$top_srcdir/conf/csp-milter.conf" >"$MC/csp-milter.conf.new" &&
	    mv "$MC/csp-milter.conf.new" "$MC/csp-milter.conf"
}
milter_conf
start_milter() {
	"$BIN" -f -c "$MC/csp-milter.conf" >>"$T/milter.log" 2>&1 &
	MPID=$!
	wait_for 100 test -S "$W/milter/csp.sock"
}
start_milter
check "csp-milter listens on $W/milter/csp.sock" test -S "$W/milter/csp.sock"

smtp-sink -u nobody -d "$W/sink/%M." "127.0.0.1:$SINK_PORT" 256 >"$T/sink.log" 2>&1 &
SINK_PID=$!
unshare -m sh -c "mount --bind '$T/hosts.ns' /etc/hosts && exec '$SENDMAIL' -C '$CF' -bD" \
    >"$T/sendmail.log" 2>&1 &
SMPID=$!
if wait_for 100 sh -c "ss -ltnH 'sport = :$SM_PORT' | grep -q ."; then
	ok "Sendmail listens on 127.0.0.1:$SM_PORT"
else
	nok "Sendmail did not start: $(cat "$T/sendmail.log")"
	finish
	exit 1
fi
NSPID=$(head -1 "$W/sendmail.pid")
# sm ARGS... - a sendmail call in the relay's namespace, on its config
sm() { nsenter -t "$NSPID" -m -- "$SENDMAIL" -C "$CF" "$@"; }

# ---- helpers --------------------------------------------------------------------------------
n=0
next_token() { n=$((n + 1)); t="sm$$-$n"; }
# send_mail TOKEN FROM TO SUBJECT BODY - one message over SMTP; the transcript in $T/TOKEN.swaks
send_mail() {
	timeout 60 swaks --server 127.0.0.1 --port "$SM_PORT" --helo client.e2e.test \
	    --from "$2" --to "$3" --header "Subject: $4" --header "X-Token: $1" --body "$5" \
	    --suppress-data >"$T/$1.swaks" 2>&1
}
accepted() { grep -Eq '^<[-~*]+ +250 .*(accepted|queued)' "$T/$1.swaks"; }
qid_of() { sed -nE 's/^<[-~*]+ +250 2\.0\.0 ([0-9A-Za-z]+) Message accepted.*/\1/p' "$T/$1.swaks" | tail -1; }
delivered() { grep -l "X-Token: $1" "$W"/sink/* 2>/dev/null | head -1; }
# wait_delivered TOKEN - until the sink has it, and its file stops growing
wait_delivered() {
	wait_for 150 sh -c "grep -lq 'X-Token: $1' '$W'/sink/* 2>/dev/null" || return 1
	_f=$(delivered "$1")
	_s=-1
	while [ "$(wc -c <"$_f")" != "$_s" ]; do _s=$(wc -c <"$_f"); sleep 0.2; done
}
rcpts_of() { sed -n 's/^X-Rcpt-Args: *\([^ ]*\).*/\1/p' "$(delivered "$1")" | sort | tr '\n' ' ' | sed 's/ $//'; }
transactions_of() { grep -l "X-Token: $1" "$W"/sink/* 2>/dev/null | wc -l; }
audit_of() { grep "\"queue_id\":\"$1\"" "$W/audit.jsonl" | tail -1; }
VENDOR=billing@vendor.example
ALICE=alice@contoso.example
BOB=bob@nowhere.example
PARTNER='<csp-desk@partner-a.example>'

# ---- policy --------------------------------------------------------------------------------------
next_token
send_mail "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice for March is ready."
if accepted "$t" && wait_delivered "$t"; then
	check "reroute: an invoice to a CSP customer goes to the partner only (got $(rcpts_of "$t"))" \
	    [ "$(rcpts_of "$t")" = "$PARTNER" ]
	q=$(qid_of "$t")
	check "reroute: the audit record names Sendmail and the queue id $q" \
	    sh -c "grep '\"queue_id\":\"$q\"' '$W/audit.jsonl' | grep -q '\"mta\":\"sendmail\".*\"action\":\"reroute\"'"
else
	nok "reroute: $(grep '^<' "$T/$t.swaks" | tail -2)"
fi
next_token
send_mail "$t" "$VENDOR" "$ALICE,$BOB" "Your invoice" "Your invoice for March is ready."
if accepted "$t" && wait_delivered "$t"; then
	check "mixed: the customer is rerouted, the other recipient kept (got $(rcpts_of "$t"))" \
	    [ "$(rcpts_of "$t")" = "<$BOB> $PARTNER" ]
	check "mixed: in one transaction" [ "$(transactions_of "$t")" = 1 ]
else
	nok "mixed: $(grep '^<' "$T/$t.swaks" | tail -2)"
fi
next_token
send_mail "$t" "$VENDOR" "$ALICE,ops@contoso.example" "Your invoice" "Your invoice for March is ready."
if accepted "$t" && wait_delivered "$t"; then
	check "two customers of one partner: the partner gets it once (got $(rcpts_of "$t"))" \
	    [ "$(rcpts_of "$t")" = "$PARTNER" ]
else
	nok "partner twice: $(grep '^<' "$T/$t.swaks" | tail -2)"
fi
next_token
send_mail "$t" news@elsewhere.example "$ALICE" "Your invoice" "Your invoice for March is ready."
if accepted "$t" && wait_delivered "$t"; then
	check "a non-vendor sender is untouched (got $(rcpts_of "$t"))" [ "$(rcpts_of "$t")" = "<$ALICE>" ]
	check "  and carries no X-CSP header" sh -c "! grep -q '^X-CSP-' '$(delivered "$t")'"
else
	nok "non-vendor: $(grep '^<' "$T/$t.swaks" | tail -2)"
fi

# ---- quarantine and release -------------------------------------------------------------------
next_token
send_mail "$t" "$VENDOR" "$ALICE" "Welcome to the community" "We are glad you joined us."
q=$(qid_of "$t")
if accepted "$t" && [ -n "$q" ]; then
	ok "quarantine: the client gets 250 (queue id $q)"
	sleep 1
	check "quarantine: nothing is delivered" [ -z "$(delivered "$t")" ]
	check "quarantine: the queue file stays, quarantined (hf$q)" test -f "$W/mqueue/hf$q"
	sm -bp >"$T/mailq.out" 2>&1
	check "quarantine: a plain mailq does not list it" sh -c "! grep -q '$q' '$T/mailq.out'"
	sm -bp -qQ >"$T/mailq-qQ.out" 2>&1
	check "quarantine: mailq -qQ lists it" grep -q "$q" "$T/mailq-qQ.out"
	release=$("$AUDIT" --list --action quarantine "$W/audit.jsonl" | grep " $q " | sed -n 's/.* release: //p')
	check "csp-milter-audit prints Sendmail's release command ($release)" \
	    [ "$release" = "sendmail -Q -qQ -qI$q && sendmail -qI$q" ]
	# The printed command, run against this relay's config and namespace.
	first=${release%% && *}
	second=${release#* && }
	sm ${first#sendmail } >"$T/release1.out" 2>&1
	check "the first command lifts the quarantine" sh -c "[ -f '$W/mqueue/qf$q' ] && [ ! -f '$W/mqueue/hf$q' ]"
	sm ${second#sendmail } >"$T/release2.out" 2>&1
	if wait_delivered "$t"; then
		check "the second delivers it to the customer (got $(rcpts_of "$t"))" [ "$(rcpts_of "$t")" = "<$ALICE>" ]
	else
		nok "released mail not delivered: $(cat "$T/release1.out" "$T/release2.out")"
	fi
else
	nok "quarantine: $(grep '^<' "$T/$t.swaks" | tail -2)"
fi

# ---- csp-milter-audit --review on Sendmail's quarantine ------------------------------------------
# The queue directory read for the held messages and their bytes; release
# and re-injection through a wrapper that runs this relay's sendmail in its
# namespace on its config.  --milter is not needed: nothing is taught here.
printf '#!/bin/sh\nexec nsenter -t %s -m -- %s -C %s "$@"\n' "$NSPID" "$SENDMAIL" "$CF" >"$T/sm-wrapper"
chmod 755 "$T/sm-wrapper"
review() {
	"$AUDIT" --review -c "$MC/csp-milter.conf" --sendmail-queue "$W/mqueue" \
	    --sendmail "$T/sm-wrapper" --by sm-tester "$@"
}
next_token
t1=$t
send_mail "$t1" "$VENDOR" "$ALICE" "Welcome to the community" "We are glad you joined us."
next_token
t2=$t
send_mail "$t2" "$VENDOR" "$ALICE,$BOB" "Welcome to the community" "We are glad you joined us."
q1=$(qid_of "$t1")
q2=$(qid_of "$t2")
if accepted "$t1" && accepted "$t2" && [ -n "$q1" ] && [ -n "$q2" ] &&
    wait_for 50 test -f "$W/mqueue/hf$q2"; then
	review --list >"$T/review-list.out" 2>&1
	check "review --list shows both held messages with their class" \
	    sh -c "grep -q '^$q1 .*<$ALICE> class=other\$' '$T/review-list.out' &&
	    grep -q '^$q2 .*<$ALICE>,<$BOB> class=other\$' '$T/review-list.out'"
	review --release "$q1" >"$T/review-release.out" 2>&1
	check "review --release $q1 exits 0 ($(cat "$T/review-release.out"))" \
	    grep -q "^$q1: released" "$T/review-release.out"
	if wait_delivered "$t1"; then
		check "  the released message reaches the customer (got $(rcpts_of "$t1"))" \
		    [ "$(rcpts_of "$t1")" = "<$ALICE>" ]
	else
		nok "released mail not delivered: $(cat "$T/review-release.out")"
	fi
	review --reroute "$q2" >"$T/review-reroute.out" 2>&1
	check "review --reroute $q2 exits 0 ($(cat "$T/review-reroute.out"))" \
	    grep -q "^$q2: rerouted to" "$T/review-reroute.out"
	if wait_delivered "$t2"; then
		check "  the partner and the non-customer get it (got $(rcpts_of "$t2"))" \
		    [ "$(rcpts_of "$t2")" = "<$BOB> $PARTNER" ]
	else
		nok "rerouted mail not delivered: $(cat "$T/review-reroute.out")"
	fi
	check "  and the held copy is gone" sh -c "[ ! -f '$W/mqueue/hf$q2' ] && [ ! -f '$W/mqueue/df$q2' ]"
	check "the audit log has both review records, by sm-tester, for Sendmail" \
	    sh -c "grep '\"queue_id\":\"$q1\"' '$W/audit.jsonl' | grep '\"mta\":\"sendmail\"' |
	    grep -q '\"choice\":\"release\",\"by\":\"sm-tester\"' &&
	    grep '\"queue_id\":\"$q2\"' '$W/audit.jsonl' | grep -q '\"choice\":\"reroute\"'"
else
	nok "review: the two messages were not held: $(grep '^<' "$T/$t1.swaks" "$T/$t2.swaks" | tail -2)"
fi

# ---- reject, both scopes, and a reload ---------------------------------------------------------
reload() {	# reload [SED...] - rewrite the config, SIGUSR1, wait for the log line
	_before=$(grep -c 'reloaded (SIGUSR1)' "$T/milter.log")
	milter_conf "$@"
	kill -USR1 "$MPID"
	wait_for 100 sh -c "[ \$(grep -c 'reloaded (SIGUSR1)' '$T/milter.log') -gt $_before ]"
}
reload -e 's/other = { csp = "quarantine"; csp_direct = "quarantine"; };/other = { csp = "reject"; csp_direct = "reject"; };/'
check "reload with other mail to CSP customers rejected, scope message" \
    grep -q 'reloaded (SIGUSR1)' "$T/milter.log"
next_token
send_mail "$t" "$VENDOR" "$ALICE,$BOB" "Welcome to the community" "We are glad you joined us."
check "scope message: 550 5.7.1 at the final dot" grep -Eq '^<[-~*]+ +550 5\.7\.1 ' "$T/$t.swaks"
check "scope message: the 550 answers the end of data (after 354)" \
    sh -c "grep -Eo '^<[-~*]+ +(354|550)' '$T/$t.swaks' | awk '{print \$2}' | tr '\n' ' ' | grep -qx '354 550 '"
sleep 1
check "scope message: nothing is delivered" [ -z "$(delivered "$t")" ]
reload -e 's/other = { csp = "quarantine"; csp_direct = "quarantine"; };/other = { csp = "reject"; csp_direct = "reject"; };/' \
    -e 's/scope = "message";/scope = "recipients";/'
next_token
send_mail "$t" "$VENDOR" "$ALICE,$BOB" "Welcome to the community" "We are glad you joined us."
if accepted "$t" && wait_delivered "$t"; then
	check "scope recipients (after a SIGUSR1 reload): only the other recipient gets it (got $(rcpts_of "$t"))" \
	    [ "$(rcpts_of "$t")" = "<$BOB>" ]
else
	nok "scope recipients: $(grep '^<' "$T/$t.swaks" | tail -2)"
fi
reload

# ---- a reload under traffic ---------------------------------------------------------------------
TRAFFIC=20
next_token
base=$t
i=1
(while [ $i -le $TRAFFIC ]; do
	send_mail "$base-$i" "$VENDOR" "$ALICE" "Your invoice" "Your invoice number $i is ready."
	i=$((i + 1))
done) &
TRAFFIC_PID=$!
r=0
while kill -0 $TRAFFIC_PID 2>/dev/null && [ $r -lt 10 ]; do
	kill -USR1 "$MPID"
	r=$((r + 1))
	sleep 0.2
done
wait $TRAFFIC_PID
ok_n=0
rr_n=0
i=1
while [ $i -le $TRAFFIC ]; do
	if accepted "$base-$i" && wait_delivered "$base-$i"; then
		ok_n=$((ok_n + 1))
		[ "$(rcpts_of "$base-$i")" = "$PARTNER" ] && rr_n=$((rr_n + 1))
	fi
	i=$((i + 1))
done
check "under $r reloads, every one of $TRAFFIC messages is accepted and delivered ($ok_n)" [ $ok_n = $TRAFFIC ]
check "  and every one rerouted ($rr_n)" [ $rr_n = $TRAFFIC ]
check "  the milter is still up" kill -0 "$MPID"

# ---- the milter down ---------------------------------------------------------------------------------
t0=$(now_ms)
kill -TERM "$MPID"
wait_for 50 gone "$MPID"
t1=$(now_ms)
wait "$MPID" 2>/dev/null
MPID=
check "csp-milter stops within 5 s of SIGTERM (took $((t1 - t0)) ms)" [ $((t1 - t0)) -le 5000 ]
check "  and removes its socket" [ ! -e "$W/milter/csp.sock" ]
next_token
send_mail "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice for March is ready."
check "milter down: F=T answers 451 4.3.2" grep -Eq '^<[-~*]+ +451 4\.3\.2' "$T/$t.swaks"
check "  at MAIL FROM" sh -c "grep -E '^ *-> MAIL FROM|^<[-~*]+ +451' '$T/$t.swaks' | head -2 | tail -1 | grep -q '451 4.3.2'"
start_milter
next_token
send_mail "$t" "$VENDOR" "$ALICE" "Your invoice" "Your invoice for March is ready."
if accepted "$t" && wait_delivered "$t"; then
	check "the milter back: mail flows and is rerouted again" [ "$(rcpts_of "$t")" = "$PARTNER" ]
else
	nok "after restart: $(grep '^<' "$T/$t.swaks" | tail -2)"
fi
stop_pid "$MPID"
MPID=
check "no sanitizer report from the milter" no_sanitizer_report "$T/milter.log"

finish
