/* One timed process start for bench/: fork, execvp, wait4. Prints "WALL_NS USER_US SYS_US STATUS"
 * on stdout: wall time from just before fork to the child's reaping, and the child's CPU time
 * from wait4's rusage (microseconds; /proc and `time` round it to 10 ms). The child's stdin and
 * stdout are /dev/null; its stderr too, or a pipe read to its end with -p (as under `docker logs`).
 * The child inherits this process's environment.   usage: runner [-p] COMMAND [ARG...] */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int pipe_stderr = argc > 1 && strcmp(argv[1], "-p") == 0;
  char **command = argv + 1 + pipe_stderr;
  if (*command == NULL) return fprintf(stderr, "usage: runner [-p] COMMAND [ARG...]\n"), 2;
  int fds[2] = {-1, -1};
  if (pipe_stderr && pipe(fds) != 0) return perror("pipe"), 2;
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  pid_t pid = fork();
  if (pid < 0) return perror("fork"), 2;
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(pipe_stderr ? fds[1] : null, 2);
    if (pipe_stderr) close(fds[0]), close(fds[1]);
    execvp(command[0], command);
    _exit(127);
  }
  if (pipe_stderr) {
    char buffer[4096];
    close(fds[1]);
    while (read(fds[0], buffer, sizeof buffer) > 0) {}
  }
  int status;
  struct rusage usage;
  if (wait4(pid, &status, 0, &usage) != pid) return perror("wait4"), 2;
  clock_gettime(CLOCK_MONOTONIC, &end);
  long long wall = (end.tv_sec - start.tv_sec) * 1000000000LL + (end.tv_nsec - start.tv_nsec);
  long long user = usage.ru_utime.tv_sec * 1000000LL + usage.ru_utime.tv_usec;
  long long sys = usage.ru_stime.tv_sec * 1000000LL + usage.ru_stime.tv_usec;
  printf("%lld %lld %lld %d\n", wall, user, sys, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}
