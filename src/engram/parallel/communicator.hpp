#pragma once
// The ranks of a run and the few collective operations the engine needs: MPI when engram is
// built with it (Debian's OpenMPI), otherwise a single rank for which every collective is a
// copy. The engine calls these at fixed points (build, once per min-delay interval, end of
// run), so every rank makes the same calls in the same order.
//
// Only the thread that called MpiSession's constructor may call these (MPI_THREAD_FUNNELED):
// inside the engine's parallel region that is OpenMP's master thread, between barriers.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <vector>

namespace engram {

class Communicator {
 public:
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  // Ranks that share this machine's memory (for the memory estimate).
  int ranks_on_node() const { return ranks_on_node_; }
  bool uses_mpi() const { return mpi_; }

  // Every rank's bytes, in rank order.
  std::vector<std::vector<std::byte>> all_gather(std::span<const std::byte> mine) const;
  // The same, into one buffer; offsets[r] .. offsets[r+1] are rank r's bytes.
  void all_gather(std::span<const std::byte> mine, std::vector<std::byte>& all,
                  std::vector<size_t>& offsets) const;
  // Root: every rank's bytes in rank order; other ranks: empty.
  std::vector<std::vector<std::byte>> gather_to_root(std::span<const std::byte> mine) const;

  void sum(std::span<uint64_t> values) const;
  void sum(std::span<double> values) const;
  void max(std::span<int64_t> values) const;
  void min(std::span<int64_t> values) const;
  void max(std::span<double> values) const;
  void min(std::span<double> values) const;
  uint64_t sum(uint64_t v) const;
  double sum(double v) const;
  double max(double v) const;

  std::string broadcast(std::string text, int root) const;
  void barrier() const;

  // Agreement after a step that may fail on some ranks only (building, writing): if any
  // rank failed, every rank throws the first failing rank's error (InputError or
  // RuntimeFailure with the same message), so no rank waits forever in a later collective.
  void agree(std::exception_ptr failure) const;

 private:
  friend class MpiSession;
  friend const Communicator& world();
  int rank_ = 0, size_ = 1, ranks_on_node_ = 1;
  bool mpi_ = false;
};

// All ranks of this run. A single rank until an MpiSession has started MPI.
const Communicator& world();

// Starts MPI for the life of the object when the program was launched by mpirun (or MPI is
// built in); finalises it at the end. Without MPI support it does nothing.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  // Ends the whole job from one rank (an error that the other ranks cannot learn of).
  [[noreturn]] static void abort(int code);
};

// True when engram was built with MPI.
bool built_with_mpi();

}  // namespace engram
