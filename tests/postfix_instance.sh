# postfix_instance.sh - a private Postfix on loopback for tests and benchmarks.
# Sourced by tests/e2e/lib.sh and tests/bench/run-bench.sh.

# postfix_instance_conf DIR SMTP_PORT SINK_PORT NAME - write DIR/master.cf
# and DIR/main.cf: smtpd on 127.0.0.1:SMTP_PORT, nothing chrooted, queue,
# data and log under DIR, every message relayed to the sink on SINK_PORT.
# Callers append their own settings (milters, limits) to DIR/main.cf.
postfix_instance_conf() {
	local dir="$1" smtp_port="$2" sink_port="$3" name="$4"

	awk -v port="$smtp_port" '
		/^#/ || /^[ \t]/ || NF < 8 { print; next }
		$1 == "smtp" && $2 == "inet" { $1 = "127.0.0.1:" port }
		{ $5 = "n"; print }' /etc/postfix/master.cf >"$dir/master.cf"
	cat >"$dir/main.cf" <<END_MAIN_CF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
maillog_file_prefixes = $dir/log
maillog_file = $dir/log/maillog
syslog_name = postfix-$name
myhostname = mx.$name-postfix.test
mydomain = $name-postfix.test
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$sink_port
smtpd_relay_restrictions = permit_mynetworks, reject
alias_maps =
alias_database =
local_recipient_maps =
append_dot_mydomain = no
biff = no
default_process_limit = 150
smtp_connection_cache_on_demand = yes
milter_connect_timeout = 10s
milter_command_timeout = 20s
milter_content_timeout = 60s
END_MAIN_CF
}
