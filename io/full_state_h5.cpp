#include "io/full_state_h5.h"

#include <H5Cpp.h>

#include <mutex>
#include <stdexcept>

#include "io/codes.h"
#include "io/error.h"
#include "io/h5_chunk.h"
#include "models/model_parameters.h"

namespace sendcast::io {

namespace {

void strings(H5::Group& group, const std::string& name, const std::vector<std::string>& values) {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  const hsize_t n = values.size();
  H5::DataSpace space(1, &n);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  group.createDataSet(name, type, space).write(ptrs.data(), type);
}

template <std::size_t N>
std::vector<std::string> labels(const std::array<std::string_view, N>& codes) {
  return {codes.begin(), codes.end()};
}

void text_attribute(H5::H5Object& obj, const std::string& name, const std::string& value) {
  H5::StrType type(H5::PredType::C_S1, std::max<std::size_t>(value.size(), 1));
  H5::DataSpace space(H5S_SCALAR);
  obj.createAttribute(name, type, space).write(type, value);
}

//! Buffers one run's states and hands them to the writer at the last step.
class FullStateObserver : public sim::RunObserver {
 public:
  explicit FullStateObserver(FullStateWriter& writer)
      : writer_(writer), buffer_(writer.cells_per_year() * writer.years()) {}
  void observe(std::uint32_t run, int step, const std::vector<std::int32_t>& state) override {
    std::copy(state.begin(), state.end(),
              buffer_.begin() + static_cast<std::ptrdiff_t>(step * writer_.cells_per_year()));
    if (step == writer_.years() - 1) writer_.write(static_cast<int>(run), buffer_.data());
  }

 private:
  FullStateWriter& writer_;
  std::vector<std::int32_t> buffer_;
};

}  // namespace

struct FullStateWriter::Impl {
  std::filesystem::path path;
  std::mutex mutex;
  std::unique_ptr<H5::H5File> file;
  H5::DataSet dataset;
  std::vector<hsize_t> dims;
};

FullStateWriter::FullStateWriter(const std::filesystem::path& path, int runs, int years,
                                 int first_year, const std::vector<std::string>& townships)
    : impl_(std::make_unique<Impl>()),
      years_(years),
      cells_(townships.size() * static_cast<std::size_t>(models::N_STATE_CELLS)) {
  impl_->path = path;
  try {
    H5::Exception::dontPrint();
    impl_->file = std::make_unique<H5::H5File>(path.string(), H5F_ACC_TRUNC);
    impl_->dims = {static_cast<hsize_t>(runs),
                   static_cast<hsize_t>(years),
                   townships.size(),
                   static_cast<hsize_t>(N_AGES),
                   static_cast<hsize_t>(N_NEEDS),
                   static_cast<hsize_t>(N_PLACEMENTS)};
    H5::DataSpace space(6, impl_->dims.data());
    H5::DSetCreatPropList props;
    std::vector<hsize_t> chunk = impl_->dims;
    chunk[0] = 1;  // one run per chunk: runs are written one at a time
    props.setChunk(6, chunk.data());
    props.setShuffle();
    props.setDeflate(CHUNK_DEFLATE_LEVEL);
    const std::int32_t zero = 0;
    props.setFillValue(H5::PredType::NATIVE_INT32, &zero);
    H5::Group root = impl_->file->openGroup("/");
    impl_->dataset = root.createDataSet("state", H5::PredType::STD_I32LE, space, props);
    text_attribute(impl_->dataset, "dimensions", "run, year, township, age, need, placement");
    text_attribute(impl_->dataset, "units",
                   "children and young people with an EHC plan at January, by cell");
    H5::Group l = root.createGroup("labels");
    std::vector<std::string> year_labels, ages;
    for (int y = 0; y < years; ++y) year_labels.push_back(std::to_string(first_year + y));
    for (int a = 0; a < N_AGES; ++a) ages.push_back(std::to_string(a));
    strings(l, "year", year_labels);
    strings(l, "township", townships);
    strings(l, "age", ages);
    strings(l, "need", labels(NEED_CODES));
    strings(l, "placement", labels(PLACEMENT_CODES));
  } catch (const H5::Exception& e) {
    throw InputError({path.string()}, "cannot create the full state file: " + e.getDetailMsg());
  }
}

FullStateWriter::~FullStateWriter() {
  try {
    close();
  } catch (...) {  // a destructor must not throw; close() reports errors when called itself
  }
}

void FullStateWriter::write(int run, const std::int32_t* states) {
  if (run < 0 || static_cast<hsize_t>(run) >= impl_->dims[0])
    throw std::logic_error("FullStateWriter: run out of range");
  // The run is one chunk: compressed on the calling thread, so that threads finishing runs
  // together compress them together, and only the write itself holds the lock.
  std::vector<unsigned char> shuffled, encoded;
  try {
    encode_int32_chunk(states, cells_ * static_cast<std::size_t>(years_), shuffled, encoded);
  } catch (const std::runtime_error& e) {
    throw InputError({impl_->path.string()},
                     "cannot write run " + std::to_string(run) + ": " + e.what());
  }
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  if (!impl_->file) throw std::logic_error("FullStateWriter: write after close");
  try {
    std::vector<hsize_t> offset(impl_->dims.size(), 0);
    offset[0] = static_cast<hsize_t>(run);
    if (H5Dwrite_chunk(impl_->dataset.getId(), H5P_DEFAULT, 0, offset.data(), encoded.size(),
                       encoded.data()) < 0)
      throw H5::Exception("H5Dwrite_chunk", "the chunk was not written");
  } catch (const H5::Exception& e) {
    throw InputError({impl_->path.string()},
                     "cannot write run " + std::to_string(run) + ": " + e.getDetailMsg());
  }
}

void FullStateWriter::close() {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  if (!impl_->file) return;
  try {
    impl_->dataset.close();
    impl_->file->close();
    impl_->file.reset();
  } catch (const H5::Exception& e) {
    impl_->file.reset();
    throw InputError({impl_->path.string()}, "cannot close: " + e.getDetailMsg());
  }
}

sim::ObserverFactory FullStateWriter::observers() {
  return [this]() -> std::unique_ptr<sim::RunObserver> {
    return std::make_unique<FullStateObserver>(*this);
  };
}

void link_full_state_h5(const std::filesystem::path& results_file, const std::string& target) {
  try {
    H5::Exception::dontPrint();
    H5::H5File file(results_file.string(), H5F_ACC_RDWR);
    if (H5Lcreate_external(target.c_str(), "/state", file.getId(), "state", H5P_DEFAULT,
                           H5P_DEFAULT) < 0)
      throw InputError({results_file.string()}, "cannot link /state to " + target);
  } catch (const H5::Exception& e) {
    throw InputError({results_file.string()}, "cannot link /state: " + e.getDetailMsg());
  }
}

StoredState read_full_state_h5(const std::filesystem::path& path, int run) {
  try {
    H5::Exception::dontPrint();
    // The external link is found beside the linking file, wherever the caller's directory is
    // (HDF5 looks in the parent file's directory).
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    if (!file.nameExists("state"))
      throw InputError({path.string()}, "no /state (was the run made with --full?)");
    H5::DataSet ds = file.openDataSet("state");
    H5::DataSpace space = ds.getSpace();
    if (space.getSimpleExtentNdims() != 6) throw InputError({path.string()}, "/state is not 6-D");
    std::vector<hsize_t> dims(6);
    space.getSimpleExtentDims(dims.data());
    if (run < 0 || static_cast<hsize_t>(run) >= dims[0])
      throw InputError({path.string()}, "run " + std::to_string(run) + " is not in /state (" +
                                            std::to_string(dims[0]) + " runs)");
    StoredState out;
    out.runs = static_cast<int>(dims[0]);
    out.years = static_cast<int>(dims[1]);
    out.townships = static_cast<int>(dims[2]);
    std::vector<hsize_t> start(6, 0), count = dims;
    start[0] = static_cast<hsize_t>(run);
    count[0] = 1;
    space.selectHyperslab(H5S_SELECT_SET, count.data(), start.data());
    out.counts.resize(static_cast<std::size_t>(out.years) * out.townships * models::N_STATE_CELLS);
    H5::DataSpace mem(6, count.data());
    ds.read(out.counts.data(), H5::PredType::NATIVE_INT32, mem, space);
    return out;
  } catch (const H5::Exception& e) {
    throw InputError({path.string()}, "cannot read /state: " + e.getDetailMsg());
  }
}

}  // namespace sendcast::io
