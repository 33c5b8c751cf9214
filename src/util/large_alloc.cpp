#include "util/large_alloc.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace virtckpt::util {

namespace {

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer every block comes from the heap, where overflows are caught.
constexpr size_t kLarge = SIZE_MAX;
#else
constexpr size_t kLarge = size_t{128} << 10;
#endif
constexpr size_t kHugePage = size_t{2} << 20;

size_t RoundUp(size_t bytes) { return (bytes + kHugePage - 1) & ~(kHugePage - 1); }

}  // namespace

void* AllocateLarge(size_t bytes) {
  if (bytes < kLarge) return ::operator new(bytes);
  size_t size = RoundUp(bytes);
  // Over-map by one huge page, then unmap the ends to leave an aligned block.
  void* mapped =
      mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  auto start = reinterpret_cast<uintptr_t>(mapped);
  uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > start) munmap(mapped, aligned - start);
  uintptr_t end = start + size + kHugePage;
  if (end > aligned + size) munmap(reinterpret_cast<void*>(aligned + size), end - aligned - size);
  void* block = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
  madvise(block, size, MADV_HUGEPAGE);  // advice only: without huge pages it is just slower
#endif
  return block;
}

void FreeLarge(void* block, size_t bytes) {
  if (!block) return;
  if (bytes < kLarge) {
    ::operator delete(block);
    return;
  }
  munmap(block, RoundUp(bytes));
}

}  // namespace virtckpt::util
