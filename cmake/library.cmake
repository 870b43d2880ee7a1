# The installed library: the public API (include/mlp/mlp.hpp, src/api/) over the engine, as
# libmlp.so (default) or libmlp.a (-DBUILD_SHARED_LIBS=OFF), with everything but the API
# hidden; its install rules, CMake package (mlp::mlp), pkg-config file and Debian package.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

if(DEFINED BUILD_SHARED_LIBS AND NOT BUILD_SHARED_LIBS)
  set(MLP_LIBRARY_TYPE STATIC)
else()
  set(MLP_LIBRARY_TYPE SHARED)
endif()
file(GLOB MLP_API_SOURCES CONFIGURE_DEPENDS src/api/*.cpp)
# With the config reader of experiment files (cli/config*.cpp), for load_experiment().
add_library(mlp_library ${MLP_LIBRARY_TYPE} ${MLP_API_SOURCES} cli/config.cpp cli/config_schema.cpp)
add_library(mlp::mlp ALIAS mlp_library)
set_target_properties(mlp_library PROPERTIES OUTPUT_NAME mlp EXPORT_NAME mlp
                      VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
                      CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
target_include_directories(mlp_library PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                           $<BUILD_INTERFACE:${CMAKE_BINARY_DIR}/generated> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
                           PRIVATE cli)
target_compile_features(mlp_library PUBLIC cxx_std_20)
# The engine comes from the internal static library; in-tree only, so the exported target
# does not name it.
target_link_libraries(mlp_library PRIVATE $<BUILD_INTERFACE:mlp_engine> tomlplusplus::tomlplusplus)
set(MLP_PC_LIBS_PRIVATE "")
if(MLP_LIBRARY_TYPE STREQUAL SHARED)
  # The engine's symbols stay inside; a missing one is a link error here, not in the
  # user's program.
  target_link_options(mlp_library PRIVATE -Wl,--exclude-libs,ALL -Wl,--as-needed)
  if(NOT MLP_SANITIZE)  # clang leaves the sanitizer runtime to the program
    target_link_options(mlp_library PRIVATE -Wl,--no-undefined)
  endif()
else()
  # One archive a user links alone, the engine's objects inside, the system libraries named.
  target_sources(mlp_library PRIVATE $<TARGET_OBJECTS:mlp_engine>)
  target_link_libraries(mlp_library PRIVATE ${DNNL_LIBRARY} ${OPENBLAS_LIBRARY} ${STB_LIBRARY} ZLIB::ZLIB
                        OpenMP::OpenMP_CXX)
  set(MLP_PC_LIBS_PRIVATE "-ldnnl -lopenblas -lstb -lz -ltomlplusplus -fopenmp")
endif()

# What `cmake --install` puts down (component mlp): bin/mlp, the library, the public headers,
# the CMake package and mlp.pc. The engine's headers stay in the tree.
install(TARGETS mlp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT mlp)
install(TARGETS mlp_library EXPORT mlpTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT mlp ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT mlp)
install(FILES include/mlp/mlp.hpp include/mlp/error.hpp ${CMAKE_BINARY_DIR}/generated/mlp/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mlp COMPONENT mlp)
set(MLP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mlp)
install(EXPORT mlpTargets NAMESPACE mlp:: DESTINATION ${MLP_CMAKE_DIR} COMPONENT mlp)
configure_package_config_file(cmake/mlpConfig.cmake.in ${CMAKE_BINARY_DIR}/mlpConfig.cmake
                              INSTALL_DESTINATION ${MLP_CMAKE_DIR})
# 0.x: a minor version may change the API, so only the same major.minor is compatible.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/mlpConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/mlpConfig.cmake ${CMAKE_BINARY_DIR}/mlpConfigVersion.cmake
        DESTINATION ${MLP_CMAKE_DIR} COMPONENT mlp)
# mlp.pc finds its prefix from its own place, so the tree can move (a .deb, a staging root).
file(RELATIVE_PATH MLP_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(cmake/mlp.pc.in ${CMAKE_BINARY_DIR}/mlp.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/mlp.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT mlp)

# `cpack -G DEB` → mlp_<version>_amd64.deb, its Depends read from the shared libraries
# it links (dpkg-shlibdeps, package dpkg-dev). It packs component mlp; cpack first builds
# what is out of date (its preinstall step).
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};mlp;mlp;/")
set(CPACK_PACKAGE_NAME mlp)
set(CPACK_PACKAGE_VENDOR mlp)
set(CPACK_PACKAGE_CONTACT "mlp maintainers <mlp@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "multi-layer perceptrons: the mlp command and the C++ library")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
