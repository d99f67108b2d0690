#pragma once
// Scale-out across processes with MPI (OpenMPI), when the program was started by mpirun.
// Work is split by a static index split (item i goes to rank i % size), every random draw is
// keyed by global indices, and rank 0 reassembles results in index order, so K ranks give the
// same numbers as one process. Started without mpirun, or built without MPI, there is one rank
// and MPI is never initialised (no start-up cost).
#include <cstdint>
#include <string>
#include <vector>

namespace sendcast::sim {

class Cluster {
 public:
  Cluster();   //!< initialises MPI if this process was started by mpirun
  //! This process alone, whether or not it runs under mpirun: for work one rank does by itself
  //! (rank 0's report sections), which must not wait on the other ranks.
  static Cluster local() { return Cluster(Local{}); }
  ~Cluster();  //!< finalises MPI if it was initialised here
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }
  //! True when item `index` of a static split is this rank's.
  bool owns(std::size_t index) const {
    return static_cast<int>(index % static_cast<std::size_t>(size_)) == rank_;
  }
  //! Every rank's bytes, in rank order, on rank 0 (other ranks get an empty vector).
  std::vector<std::string> gather(const std::string& bytes) const;
  //! Element-wise sum over ranks, left on rank 0 (other ranks' values are unspecified after).
  //! Used where each rank filled only its own runs' rows and left the rest zero: integer sums
  //! and x + 0.0 are exact, so rank 0 ends with what one process would have computed.
  void sum_to_root(std::vector<std::int32_t>& values) const;
  void sum_to_root(std::vector<double>& values) const;
  //! Stops every rank at once (after an error on one rank, so the others do not wait forever).
  [[noreturn]] void abort(int status) const;

 private:
  struct Local {};
  explicit Cluster(Local) {}
  int rank_ = 0;
  int size_ = 1;
  bool initialised_here_ = false;
};

}  // namespace sendcast::sim
