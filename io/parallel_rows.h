#pragma once
// Summary rows made for many independent items (a summary's years) on several threads, joined
// in item order: the rows do not depend on how many threads made them.
#include <omp.h>

#include <exception>
#include <iterator>
#include <vector>

namespace sendcast::io {

//! The OpenMP threads rows_in_parallel uses for a `threads` option (0: all cores). It may be
//! more than the machine's cores: `--threads` is the user's to choose.
inline int row_threads(int threads) {
  return threads > 0 ? threads : omp_get_max_threads();
}

//! make(i) for every i in [0, n), on `threads` OpenMP threads (0: all cores), each returning a
//! std::vector<Row>; the vectors joined in the order of i. The first exception any make(i)
//! throws is rethrown once the threads have joined.
template <class Row, class Make>
std::vector<Row> rows_in_parallel(int n, int threads, Make make) {
  std::vector<std::vector<Row>> parts(static_cast<std::size_t>(n));
  std::exception_ptr failure;
  const int n_threads = row_threads(threads);
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

//! As rows_in_parallel, with make(i, scratch): each thread has one default-constructed Scratch
//! of its own, kept from item to item, for memory worth reusing (large arrays) rather than
//! allocating afresh for every item.
template <class Row, class Scratch, class Make>
std::vector<Row> rows_in_parallel_with_scratch(int n, int threads, Make make) {
  std::vector<Scratch> scratch(static_cast<std::size_t>(row_threads(threads)));
  return rows_in_parallel<Row>(n, threads, [&](int i) {
    return make(i, scratch.at(static_cast<std::size_t>(omp_get_thread_num())));
  });
}

}  // namespace sendcast::io
