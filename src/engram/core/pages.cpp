#include "engram/core/pages.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace engram {

bool populate_pages(void* data, size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  constexpr size_t kMinBytes = size_t{64} << 10;
  if (data == nullptr || bytes < kMinBytes) return false;
  static const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<uintptr_t>(data) + page - 1) & ~(page - 1);
  const auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(page - 1);
  if (end <= begin) return false;
  // Large ranges in 2 MiB pages where the kernel has them (transparent huge pages in
  // 'madvise' mode, Debian's default): one fault and one TLB entry per 2 MiB instead of 512.
  // Random rows of a connectivity of gigabytes miss the TLB at nearly every spike otherwise,
  // and the merge of a run's recorded spikes writes 18 MB of fresh pages at about 5 us a
  // 4 KiB page (bench/README.md, "Rounds, huge pages and the merge"). Only whole 2 MiB
  // blocks inside the range, so no memory outside it is mapped; refused advice (EINVAL
  // without THP) changes nothing.
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t huge_begin = (begin + kHuge - 1) & ~(kHuge - 1), huge_end = end & ~(kHuge - 1);
  if (huge_end > huge_begin)
    madvise(reinterpret_cast<void*>(huge_begin), huge_end - huge_begin, MADV_HUGEPAGE);
  // EINVAL (older kernel) or ENOMEM: the pages fault in at first touch instead
  return madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE) == 0;
#else
  (void)data;
  (void)bytes;
  return false;
#endif
}

}  // namespace engram
