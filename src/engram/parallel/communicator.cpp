#include "engram/parallel/communicator.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <tuple>

#ifdef ENGRAM_HAVE_MPI
#include <mpi.h>
#endif

#include "engram/core/error.hpp"

namespace engram {

namespace {
Communicator& world_mut() {
  static Communicator c;
  return c;
}

// A rank's exception as (exit code, message): 2 bad input, 1 runtime failure, 3 other.
std::pair<int, std::string> describe(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const InputError& e) {
    return {2, e.what()};
  } catch (const RuntimeFailure& e) {
    return {1, e.what()};
  } catch (const std::exception& e) {
    return {3, e.what()};
  } catch (...) {
    return {3, "unknown error"};
  }
}

#ifdef ENGRAM_HAVE_MPI
// MPI counts are int; large buffers go in pieces of this many bytes.
constexpr size_t kChunk = size_t{1} << 30;

bool launched_by_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"})
    if (std::getenv(v)) return true;
  return false;
}
#endif
}  // namespace

const Communicator& world() {
  return world_mut();
}

bool built_with_mpi() {
#ifdef ENGRAM_HAVE_MPI
  return true;
#else
  return false;
#endif
}

MpiSession::MpiSession([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#ifdef ENGRAM_HAVE_MPI
  // a plain `engram run` stays a single process without MPI's start-up cost
  if (!launched_by_mpirun()) return;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  Communicator& c = world_mut();
  c.mpi_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &c.rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &c.size_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, c.rank_, MPI_INFO_NULL, &node);
  MPI_Comm_size(node, &c.ranks_on_node_);
  MPI_Comm_free(&node);
#endif
}

MpiSession::~MpiSession() {
#ifdef ENGRAM_HAVE_MPI
  if (world_mut().mpi_) MPI_Finalize();
#endif
}

void MpiSession::abort(int code) {
#ifdef ENGRAM_HAVE_MPI
  if (world_mut().mpi_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

void Communicator::all_gather(std::span<const std::byte> mine, std::vector<std::byte>& all,
                              std::vector<size_t>& offsets) const {
  offsets.assign(static_cast<size_t>(size_) + 1, 0);
  if (!mpi_) {
    all.assign(mine.begin(), mine.end());
    offsets[1] = mine.size();
    return;
  }
#ifdef ENGRAM_HAVE_MPI
  if (mine.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    throw RuntimeFailure("a rank has more than 2 GiB of spikes in one exchange");
  const int n = static_cast<int>(mine.size());
  std::vector<int> counts(size_), displs(size_);
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  for (int r = 0; r < size_; ++r) offsets[r + 1] = offsets[r] + static_cast<size_t>(counts[r]);
  if (offsets.back() > static_cast<size_t>(std::numeric_limits<int>::max()))
    throw RuntimeFailure("more than 2 GiB of spikes in one exchange");
  for (int r = 0; r < size_; ++r) displs[r] = static_cast<int>(offsets[r]);
  all.resize(offsets.back());
  MPI_Allgatherv(mine.data(), n, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE,
                 MPI_COMM_WORLD);
#endif
}

std::vector<std::vector<std::byte>> Communicator::all_gather(
    std::span<const std::byte> mine) const {
  std::vector<std::byte> all;
  std::vector<size_t> offsets;
  all_gather(mine, all, offsets);
  std::vector<std::vector<std::byte>> out(static_cast<size_t>(size_));
  for (int r = 0; r < size_; ++r)
    out[r].assign(all.begin() + static_cast<std::ptrdiff_t>(offsets[r]),
                  all.begin() + static_cast<std::ptrdiff_t>(offsets[r + 1]));
  return out;
}

std::vector<std::vector<std::byte>> Communicator::gather_to_root(
    std::span<const std::byte> mine) const {
  std::vector<std::vector<std::byte>> out;
  if (!mpi_) {
    out.emplace_back(mine.begin(), mine.end());
    return out;
  }
#ifdef ENGRAM_HAVE_MPI
  // point to point, in pieces: recordings can exceed MPI's int counts
  const int tag = 7301;
  if (rank_ != 0) {
    uint64_t n = mine.size();
    MPI_Send(&n, 1, MPI_UINT64_T, 0, tag, MPI_COMM_WORLD);
    for (size_t at = 0; at < mine.size(); at += kChunk)
      MPI_Send(mine.data() + at, static_cast<int>(std::min(kChunk, mine.size() - at)), MPI_BYTE, 0,
               tag, MPI_COMM_WORLD);
    return out;
  }
  out.resize(static_cast<size_t>(size_));
  out[0].assign(mine.begin(), mine.end());
  for (int r = 1; r < size_; ++r) {
    uint64_t n = 0;
    MPI_Recv(&n, 1, MPI_UINT64_T, r, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    out[r].resize(n);
    for (size_t at = 0; at < n; at += kChunk)
      MPI_Recv(out[r].data() + at, static_cast<int>(std::min<size_t>(kChunk, n - at)), MPI_BYTE, r,
               tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
#endif
  return out;
}

#ifdef ENGRAM_HAVE_MPI
namespace {
template <class T>
void allreduce(std::span<T> values, MPI_Datatype type, MPI_Op op) {
  for (size_t at = 0; at < values.size(); at += kChunk / sizeof(T))
    MPI_Allreduce(MPI_IN_PLACE, values.data() + at,
                  static_cast<int>(std::min(kChunk / sizeof(T), values.size() - at)), type, op,
                  MPI_COMM_WORLD);
}
}  // namespace
#define ENGRAM_ALLREDUCE(values, type, op) \
  if (mpi_) allreduce(values, type, op)
#else
#define ENGRAM_ALLREDUCE(values, type, op) (void)values
#endif

void Communicator::sum(std::span<uint64_t> values) const {
  ENGRAM_ALLREDUCE(values, MPI_UINT64_T, MPI_SUM);
}
void Communicator::sum(std::span<double> values) const {
  ENGRAM_ALLREDUCE(values, MPI_DOUBLE, MPI_SUM);
}
void Communicator::max(std::span<double> values) const {
  ENGRAM_ALLREDUCE(values, MPI_DOUBLE, MPI_MAX);
}
void Communicator::min(std::span<double> values) const {
  ENGRAM_ALLREDUCE(values, MPI_DOUBLE, MPI_MIN);
}
void Communicator::max(std::span<int64_t> values) const {
  ENGRAM_ALLREDUCE(values, MPI_INT64_T, MPI_MAX);
}
void Communicator::min(std::span<int64_t> values) const {
  ENGRAM_ALLREDUCE(values, MPI_INT64_T, MPI_MIN);
}
#undef ENGRAM_ALLREDUCE

uint64_t Communicator::sum(uint64_t v) const {
  sum(std::span<uint64_t>(&v, 1));
  return v;
}
double Communicator::sum(double v) const {
  sum(std::span<double>(&v, 1));
  return v;
}
double Communicator::max(double v) const {
#ifdef ENGRAM_HAVE_MPI
  if (mpi_) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
#endif
  return v;
}

std::string Communicator::broadcast(std::string text, [[maybe_unused]] int root) const {
#ifdef ENGRAM_HAVE_MPI
  if (!mpi_) return text;
  uint64_t n = text.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, root, MPI_COMM_WORLD);
  text.resize(n);
  for (size_t at = 0; at < n; at += kChunk)
    MPI_Bcast(text.data() + at, static_cast<int>(std::min<size_t>(kChunk, n - at)), MPI_CHAR, root,
              MPI_COMM_WORLD);
#endif
  return text;
}

void Communicator::barrier() const {
#ifdef ENGRAM_HAVE_MPI
  if (mpi_) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

void Communicator::agree(std::exception_ptr failure) const {
  if (!mpi_) {
    if (failure) std::rethrow_exception(failure);
    return;
  }
  int code = 0;
  std::string message;
  if (failure) std::tie(code, message) = describe(failure);
  const auto codes = all_gather(std::as_bytes(std::span<const int>(&code, 1)));  // one int per rank
  int first = -1, first_code = 0;
  for (int r = 0; r < size_ && first < 0; ++r) {
    int c = 0;
    std::memcpy(&c, codes[r].data(), sizeof c);
    if (c != 0) first = r, first_code = c;
  }
  if (first < 0) return;
  message = broadcast(message, first);
  if (rank_ == first) std::rethrow_exception(failure);  // keeps the error's own details
  if (first_code == 2) throw InputError(SourceLocation{}, "", message);
  throw RuntimeFailure(message);
}

}  // namespace engram
