#pragma once
// Summary rows made for many independent items (a summary's years) on several threads, joined
// in item order: the rows do not depend on how many threads made them.
#include <omp.h>

#include <exception>
#include <iterator>
#include <vector>

namespace sendcast::io {

//! make(i) for every i in [0, n), on `threads` OpenMP threads (0: all cores), each returning a
//! std::vector<Row>; the vectors joined in the order of i. The first exception any make(i)
//! throws is rethrown once the threads have joined.
template <class Row, class Make>
std::vector<Row> rows_in_parallel(int n, int threads, Make make) {
  std::vector<std::vector<Row>> parts(static_cast<std::size_t>(n));
  std::exception_ptr failure;
  const int n_threads = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
  for (int i = 0; i < n; ++i) {
    try {
      parts[static_cast<std::size_t>(i)] = make(i);
    } catch (...) {
#pragma omp critical(rows_in_parallel_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  std::vector<Row> rows;
  for (auto& part : parts)
    rows.insert(rows.end(), std::make_move_iterator(part.begin()),
                std::make_move_iterator(part.end()));
  return rows;
}

}  // namespace sendcast::io
