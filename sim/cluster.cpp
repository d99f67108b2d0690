#include "sim/cluster.h"

#include <algorithm>
#include <cstdlib>

#ifdef SENDCAST_HAVE_MPI
#include <mpi.h>
#endif

namespace sendcast::sim {

namespace {

bool started_by_mpirun() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(var) != nullptr) return true;
  return false;
}

}  // namespace

Cluster::Cluster() {
#ifdef SENDCAST_HAVE_MPI
  if (!started_by_mpirun()) return;
  int already = 0;
  MPI_Initialized(&already);
  if (!already) {
    MPI_Init(nullptr, nullptr);
    initialised_here_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#endif
}

Cluster::~Cluster() {
#ifdef SENDCAST_HAVE_MPI
  if (initialised_here_) MPI_Finalize();
#endif
}

std::vector<std::string> Cluster::gather(const std::string& bytes) const {
  if (size_ == 1) return {bytes};
#ifdef SENDCAST_HAVE_MPI
  int mine = static_cast<int>(bytes.size());
  std::vector<int> sizes(size_), offsets(size_);
  MPI_Gather(&mine, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::string all;
  if (root()) {
    int total = 0;
    for (int r = 0; r < size_; ++r) offsets[r] = total, total += sizes[r];
    all.resize(total);
  }
  MPI_Gatherv(bytes.data(), mine, MPI_CHAR, all.data(), sizes.data(), offsets.data(), MPI_CHAR, 0,
              MPI_COMM_WORLD);
  std::vector<std::string> out;
  if (root())
    for (int r = 0; r < size_; ++r) out.push_back(all.substr(offsets[r], sizes[r]));
  return out;
#else
  return {bytes};
#endif
}

namespace {

#ifdef SENDCAST_HAVE_MPI
template <class T>
void reduce_sum(std::vector<T>& values, MPI_Datatype type, bool root) {
  // MPI counts are ints: reduce in slices well below 2^31 elements.
  constexpr std::size_t SLICE = std::size_t{1} << 26;
  for (std::size_t first = 0; first < values.size(); first += SLICE) {
    const int count = static_cast<int>(std::min(SLICE, values.size() - first));
    T* data = values.data() + first;
    if (root)
      MPI_Reduce(MPI_IN_PLACE, data, count, type, MPI_SUM, 0, MPI_COMM_WORLD);
    else
      MPI_Reduce(data, nullptr, count, type, MPI_SUM, 0, MPI_COMM_WORLD);
  }
}
#endif

}  // namespace

void Cluster::sum_to_root(std::vector<std::int32_t>& values) const {
#ifdef SENDCAST_HAVE_MPI
  if (size_ > 1) reduce_sum(values, MPI_INT32_T, root());
#else
  (void)values;
#endif
}

void Cluster::sum_to_root(std::vector<double>& values) const {
#ifdef SENDCAST_HAVE_MPI
  if (size_ > 1) reduce_sum(values, MPI_DOUBLE, root());
#else
  (void)values;
#endif
}

void Cluster::abort(int status) const {
#ifdef SENDCAST_HAVE_MPI
  if (size_ > 1) MPI_Abort(MPI_COMM_WORLD, status);
#endif
  std::exit(status);
}

}  // namespace sendcast::sim
