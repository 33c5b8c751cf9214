// Memory for the few big arrays a command loads at once (the index text, the checkpoint
// summaries, the tables over them). A block of 128 KiB or more is mapped on its own and offered
// to the kernel for transparent huge pages, so that a cold process takes one page fault for it
// instead of one per 4 KiB page (32 to 512 of them, which costs more than the zeroing of a
// huge page); smaller blocks come from the usual heap.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace virtckpt::util {

void* AllocateLarge(size_t bytes);
void FreeLarge(void* block, size_t bytes);

template <typename T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <typename U>
  LargeAllocator(const LargeAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(AllocateLarge(n * sizeof(T))); }
  void deallocate(T* block, size_t n) { FreeLarge(block, n * sizeof(T)); }
  template <typename U>
  bool operator==(const LargeAllocator<U>&) const {
    return true;
  }
  template <typename U>
  bool operator!=(const LargeAllocator<U>&) const {
    return false;
  }
};

// An array of as many elements as there are checkpoints.
template <typename T>
using LargeVector = std::vector<T, LargeAllocator<T>>;

// The text of a big file.
using LargeText = std::basic_string<char, std::char_traits<char>, LargeAllocator<char>>;

}  // namespace virtckpt::util
