#include "util/clock.hpp"

#include <sys/time.h>

#include <ctime>

namespace virtckpt::util {

int64_t NowSeconds() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec);
}

std::string FormatLocalTime(int64_t seconds) {
  time_t t = static_cast<time_t>(seconds);
  struct tm tm_local;
  localtime_r(&t, &tm_local);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", &tm_local);
  return std::string(buf, n);
}

}  // namespace virtckpt::util
