/* run_cmd - run a command with data on its stdin, its output captured */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_cmd.h"

/* The most of a command's stderr kept for its error message. */
#define RUN_CMD_STDERR_MAX	2048

/* run_cmd_pump - feed stdin, drain stdout and stderr until both close */
static int
run_cmd_pump(struct run_cmd *run, int in_fd, int out_fd, int err_fd)
{
	struct pollfd p[3];
	size_t in_off = 0;
	char buf[65536];
	ssize_t n;
	int i, too_big = 0;

	p[0].fd = in_fd;
	p[0].events = POLLOUT;
	p[1].fd = out_fd;
	p[1].events = POLLIN;
	p[2].fd = err_fd;
	p[2].events = POLLIN;
	if (in_fd >= 0 && run->in_len == 0) {
		close(in_fd);
		p[0].fd = -1;
	}
	while (p[1].fd >= 0 || p[2].fd >= 0) {
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].fd >= 0 && (p[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
			n = write(p[0].fd, run->in + in_off, run->in_len - in_off);
			if (n > 0)
				in_off += (size_t)n;
			/* A reader that stops reading (EPIPE) ends the feeding, not the run. */
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || in_off == run->in_len) {
				close(p[0].fd);
				p[0].fd = -1;
			}
		}
		for (i = 1; i < 3; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				continue;
			}
			if (i == 1 && run->out != NULL) {
				if (run->out_max > 0 && run->out->len + (size_t)n > run->out_max)
					too_big = 1;
				else
					strbuf_append(run->out, buf, (size_t)n);
			} else if (i == 2 && run->err.len < RUN_CMD_STDERR_MAX)
				strbuf_append(&run->err, buf, (size_t)n);
		}
	}
	for (i = 0; i < 3; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	return too_big ? -2 : 0;
}

/* run_cmd_close - close the pipes made so far */
static void
run_cmd_close(int *fds, size_t n)
{
	size_t i;
	int saved = errno;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	errno = saved;
}

/* run_cmd - run argv with the given stdin */
int
run_cmd(struct run_cmd *run, char *const *argv)
{
	int fds[6] = { -1, -1, -1, -1, -1, -1 }, st, rc;
	struct sigaction ign, old;
	pid_t pid;

	strbuf_init(&run->err, 256);
	run->status = -1;
	if ((run->in != NULL && pipe2(fds, O_CLOEXEC) < 0) || pipe2(fds + 2, O_CLOEXEC) < 0 ||
	    pipe2(fds + 4, O_CLOEXEC) < 0) {
		run_cmd_close(fds, 6);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		run_cmd_close(fds, 6);
		return -1;
	}
	if (pid == 0) {
		int null_fd = open("/dev/null", O_RDWR);

		dup2(run->in != NULL ? fds[0] : null_fd, 0);
		dup2(fds[3], 1);
		dup2(fds[5], 2);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[3]);
	close(fds[5]);
	if (run->in != NULL) {
		close(fds[0]);
		fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
	}
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	rc = run_cmd_pump(run, run->in != NULL ? fds[1] : -1, fds[2], fds[4]);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	run->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	while (run->err.len > 0 && (run->err.data[run->err.len - 1] == '\n' ||
	    run->err.data[run->err.len - 1] == '\r'))
		strbuf_truncate(&run->err, run->err.len - 1);
	return rc;
}

/* run_cmd_release - free what run_cmd kept */
void
run_cmd_release(struct run_cmd *run)
{
	strbuf_release(&run->err);
}
