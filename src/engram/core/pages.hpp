#pragma once
// Mapping memory before it is used.
//
// The first touch of each 4 KiB page of fresh memory is a page fault. On this project's
// virtual machines a fault costs about 12 us, against about 1 us per page when the kernel
// maps a whole range in one call (bench/README.md, "Page faults"): a 3 GB connectivity
// faults 750 000 times, and a fault inside the simulation loop stalls every other thread at
// the next barrier. populate_pages asks for the range at once (MADV_POPULATE_WRITE, Linux
// 5.14); where the kernel cannot, nothing happens and the pages fault in as before. Whole
// 2 MiB blocks inside a range are advised into transparent huge pages first (where the
// kernel has them): one mapping and one TLB entry per 2 MiB. Nothing outside the range is
// ever mapped, and the contents and layout of the memory do not change.
#include <cstddef>
#include <vector>

namespace engram {

// Maps every whole page inside [data, data + bytes), writable; true when the kernel did.
// Ranges under 64 KiB are left to fault (false): the call would cost about what it saves.
bool populate_pages(void* data, size_t bytes) noexcept;

// v.reserve(n), with the reserved memory beyond v.size() mapped at once.
template <class T>
void reserve_populated(std::vector<T>& v, size_t n) {
  v.reserve(n);
  populate_pages(v.data() + v.size(), (v.capacity() - v.size()) * sizeof(T));
}

}  // namespace engram
