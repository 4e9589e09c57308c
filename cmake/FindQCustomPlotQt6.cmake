# QCustomPlot built for Qt 6 (Debian: libqcustomplot-dev + libqcustomplot2.1-qt6).
# Provides QCustomPlotQt6_FOUND and the imported target QCustomPlot::QCustomPlot.
# Needs Qt6::Widgets and Qt6::PrintSupport to exist already: Debian's config names them in its
# link interface but never finds Qt itself.
if(TARGET QCustomPlot::QCustomPlot)
  set(QCustomPlotQt6_FOUND TRUE)
  return()
endif()

# The library is libQCustomPlotQt6.so; libQCustomPlot.so is the Qt 5 build and must not be linked.
if(NOT QCustomPlotQt6_NO_CONFIG)  # -DQCustomPlotQt6_NO_CONFIG=ON exercises the fallback below
  find_package(QCustomPlotQt6 CONFIG QUIET)  # CONFIG mode: no recursion into this module
endif()
if(TARGET QCustomPlotQt6::QCustomPlotQt6)
  add_library(QCustomPlot::QCustomPlot INTERFACE IMPORTED)
  target_link_libraries(QCustomPlot::QCustomPlot INTERFACE QCustomPlotQt6::QCustomPlotQt6)
  target_compile_definitions(QCustomPlot::QCustomPlot INTERFACE QCUSTOMPLOT_USE_LIBRARY)
  # The config defines only the NONE configuration; every build type falls back to it.
  get_target_property(_qcp_location QCustomPlotQt6::QCustomPlotQt6 IMPORTED_LOCATION_NONE)
  set(QCustomPlotQt6_LIBRARY "${_qcp_location}")
  set(QCustomPlotQt6_FOUND TRUE)
  if(NOT QCustomPlotQt6_FIND_QUIETLY)
    message(STATUS "Found QCustomPlotQt6 (CMake config): ${_qcp_location}")
  endif()
  unset(_qcp_location)
  return()
endif()

# The header is shared by the Qt 5 and Qt 6 builds.
find_path(QCustomPlotQt6_INCLUDE_DIR NAMES qcustomplot.h PATH_SUFFIXES qcustomplot qcustomplot-qt6)
find_library(QCustomPlotQt6_LIBRARY NAMES QCustomPlotQt6 qcustomplot-qt6 qcustomplotqt6 qcustomplot2-qt6)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(QCustomPlotQt6 REQUIRED_VARS QCustomPlotQt6_LIBRARY QCustomPlotQt6_INCLUDE_DIR)
if(QCustomPlotQt6_FOUND)
  add_library(QCustomPlot::QCustomPlot UNKNOWN IMPORTED)
  set_target_properties(QCustomPlot::QCustomPlot PROPERTIES
    IMPORTED_LOCATION "${QCustomPlotQt6_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${QCustomPlotQt6_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS QCUSTOMPLOT_USE_LIBRARY
    INTERFACE_LINK_LIBRARIES "Qt6::Widgets;Qt6::PrintSupport")
endif()
mark_as_advanced(QCustomPlotQt6_INCLUDE_DIR QCustomPlotQt6_LIBRARY)
