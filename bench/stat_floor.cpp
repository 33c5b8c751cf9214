// The least a command can spend to check every checkpoint file of a domain against the index:
// list the directory and lstat each entry, on two threads as the store does. Prints the median
// wall time in milliseconds of REPS runs, so that store_scale.py can set a delete's cost at
// 10,000 checkpoints against the part of it that no implementation can avoid.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

double ListAndStatMs(const char* dir, size_t* files) {
  auto start = std::chrono::steady_clock::now();
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    std::perror(dir);
    std::exit(1);
  }
  DIR* listing = fdopendir(dup(fd));
  if (!listing) {
    std::perror(dir);
    std::exit(1);
  }
  std::vector<std::string> names;
  while (dirent* entry = readdir(listing)) {
    if (entry->d_name[0] != '.') names.emplace_back(entry->d_name);
  }
  closedir(listing);
  auto stat_every_other = [&](size_t first) {
    struct stat st;
    for (size_t i = first; i < names.size(); i += 2)
      fstatat(fd, names[i].c_str(), &st, AT_SYMLINK_NOFOLLOW);
  };
  std::thread other(stat_every_other, 1);
  stat_every_other(0);
  other.join();
  close(fd);
  *files = names.size();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: stat_floor DIR REPS\n");
    return 2;
  }
  int reps = std::max(1, std::atoi(argv[2]));
  std::vector<double> samples;
  size_t files = 0;
  for (int i = 0; i < reps; ++i) samples.push_back(ListAndStatMs(argv[1], &files));
  std::sort(samples.begin(), samples.end());
  std::printf("%zu %.3f\n", files, samples[samples.size() / 2]);
  return 0;
}
