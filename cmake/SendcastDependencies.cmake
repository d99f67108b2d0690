# Every third-party library as an imported target, from Debian's packages. Nothing is
# downloaded and nothing is vendored.
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(HDF5 REQUIRED COMPONENTS C CXX)
find_package(ZLIB REQUIRED)
find_package(tomlplusplus 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)

# Random123 is header-only and ships no CMake config.
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
add_library(Random123::Random123 INTERFACE IMPORTED)
target_include_directories(Random123::Random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})

# LEMON's config file sets variables only; wrap them in a target.
find_package(lemon REQUIRED CONFIG)
add_library(LEMON::LEMON UNKNOWN IMPORTED)
set_target_properties(LEMON::LEMON PROPERTIES
  IMPORTED_LOCATION "${LEMON_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${LEMON_INCLUDE_DIR}")

if(SENDCAST_WITH_MPI)
  find_package(MPI COMPONENTS CXX)
endif()
