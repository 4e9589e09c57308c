# Installation and the Debian package (`cpack -G DEB` in the build folder): graft, graft-cli, the
# demo checkpoints (installed by app/graft-demo), a .desktop file, shared-mime-info types for the
# checkpoint formats, AppStream metainfo, hicolor icons (SVG, and PNGs rendered from it at build
# time), man pages and the copyright file. packaging/check-deb.sh builds the package and checks
# all of it; it runs as the CTest test package.Deb.
include(GNUInstallDirs)

set(GRAFT_PACKAGING_DIR "${PROJECT_SOURCE_DIR}/packaging")
set(GRAFT_PACKAGING_OUT "${PROJECT_BINARY_DIR}/packaging")

# AppStream wants a reverse-DNS id under a domain the project controls. Graft has no domain yet,
# so the default is under the reserved .example top-level domain: unmistakably a placeholder,
# and appstreamcli says so (info cid-maybe-not-rdns). Set the real id here once there is one.
# The desktop file stays graft.desktop: it matches the window's X11 class and Wayland app id,
# which Qt derives from the executable name.
set(GRAFT_APPSTREAM_ID "example.graft.graft" CACHE STRING "AppStream component id (reverse DNS of a domain the project controls)")

install(TARGETS graft-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set(_graft_installed_programs graft-cli)
if(TARGET graft)
  install(TARGETS graft RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  list(APPEND _graft_installed_programs graft)
endif()
# Everything they link is in the system's library folders: no RUNPATH in the installed programs.
set_target_properties(${_graft_installed_programs} PROPERTIES INSTALL_RPATH "")

# Desktop entry and MIME types. The metainfo's <mediatype> list is the desktop file's MimeType=.
install(FILES "${GRAFT_PACKAGING_DIR}/graft.desktop" DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
install(FILES "${GRAFT_PACKAGING_DIR}/graft-mime.xml" DESTINATION "${CMAKE_INSTALL_DATADIR}/mime/packages" RENAME graft.xml)
file(STRINGS "${GRAFT_PACKAGING_DIR}/graft.desktop" _graft_mime_line REGEX "^MimeType=")
string(REGEX MATCHALL "[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+" _graft_mime_types "${_graft_mime_line}")
list(TRANSFORM _graft_mime_types REPLACE "(.+)" "    <mediatype>\\1</mediatype>")
list(JOIN _graft_mime_types "\n" GRAFT_APPSTREAM_MEDIATYPES)
string(TIMESTAMP GRAFT_RELEASE_DATE "%Y-%m-%d" UTC)  # honours SOURCE_DATE_EPOCH
set(GRAFT_METAINFO "${GRAFT_PACKAGING_OUT}/${GRAFT_APPSTREAM_ID}.metainfo.xml")
configure_file("${GRAFT_PACKAGING_DIR}/graft.metainfo.xml.in" "${GRAFT_METAINFO}" @ONLY)
install(FILES "${GRAFT_METAINFO}" DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")

# Icons: the SVG as it is, and PNGs for the fixed-size folders rendered from it by a small Qt tool.
set(GRAFT_ICON_SVG "${PROJECT_SOURCE_DIR}/resources/icons/graft.svg")
set(GRAFT_ICON_SIZES 16 32 48 64 128 256)
install(FILES "${GRAFT_ICON_SVG}" DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")
if(TARGET graft)
  find_package(Qt6 REQUIRED COMPONENTS Svg)  # Debian: qt6-svg-dev
  add_executable(graft-render-icon "${GRAFT_PACKAGING_DIR}/render_icon.cpp")
  target_link_libraries(graft-render-icon PRIVATE Qt6::Svg Qt6::Gui graft_compiler_options)
  set(_graft_pngs "")
  foreach(_size IN LISTS GRAFT_ICON_SIZES)
    set(_png "${GRAFT_PACKAGING_OUT}/icons/${_size}x${_size}/graft.png")
    add_custom_command(
      OUTPUT "${_png}"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${GRAFT_PACKAGING_OUT}/icons/${_size}x${_size}"
      COMMAND graft-render-icon "${GRAFT_ICON_SVG}" "${_png}" ${_size}
      DEPENDS graft-render-icon "${GRAFT_ICON_SVG}"
      COMMENT "Rendering the ${_size}x${_size} icon"
      VERBATIM)
    install(FILES "${_png}" DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${_size}x${_size}/apps")
    list(APPEND _graft_pngs "${_png}")
  endforeach()
  add_custom_target(graft_icons ALL DEPENDS ${_graft_pngs})
endif()

# Man pages (hand-written roff; the version is filled in), installed gzipped.
set(_graft_man_pages graft-cli.1)
if(TARGET graft)
  list(APPEND _graft_man_pages graft.1)
endif()
set(_graft_man_gz "")
foreach(_page IN LISTS _graft_man_pages)
  configure_file("${GRAFT_PACKAGING_DIR}/man/${_page}" "${GRAFT_PACKAGING_OUT}/man/${_page}" @ONLY)
  add_custom_command(
    OUTPUT "${GRAFT_PACKAGING_OUT}/man/${_page}.gz"
    COMMAND gzip -9 -n -c "${GRAFT_PACKAGING_OUT}/man/${_page}" > "${GRAFT_PACKAGING_OUT}/man/${_page}.gz"
    DEPENDS "${GRAFT_PACKAGING_OUT}/man/${_page}"
    COMMENT "Compressing the man page ${_page}"
    VERBATIM)
  install(FILES "${GRAFT_PACKAGING_OUT}/man/${_page}.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
  list(APPEND _graft_man_gz "${GRAFT_PACKAGING_OUT}/man/${_page}.gz")
endforeach()
add_custom_target(graft_man_pages ALL DEPENDS ${_graft_man_gz})

install(FILES "${GRAFT_PACKAGING_DIR}/copyright" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
# The documents the window's Help › User Guide shows from share/doc/graft (docs/user-guide.md),
# with the other documents and pictures they link to.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/" DESTINATION "${CMAKE_INSTALL_DOCDIR}" FILES_MATCHING PATTERN "*.md" PATTERN "*.png")

# The package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME graft)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "side-by-side editor for deep-learning checkpoints")
set(CPACK_PACKAGE_DESCRIPTION
    "Graft opens a source and a target checkpoint side by side, transplants layers\n"
    "or single weights from one to the other by drag and drop or automatic\n"
    "matching, shows every shape and dtype conflict before anything is written,\n"
    "and exports the merged checkpoint atomically and verified. graft-cli runs\n"
    "the same engine without a display.\n"
    "\n"
    "Formats: Keras 2 / tf.keras HDF5, Keras 3 .weights.h5 and .keras, TensorFlow\n"
    "checkpoints (TF1 and TF2), safetensors (single and sharded) and PyTorch\n"
    "torch.save archives, read without executing pickle code.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
# No project e-mail address or homepage exists yet; Debian requires a Maintainer, so it names the
# developers without inventing an address, and there is no Homepage field.
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "The Graft developers")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # graft_<version>_<arch>.deb
set(CPACK_STRIP_FILES ON)
# Library dependencies come from dpkg-shlibdeps. What it cannot see: the SVG icon engine and image
# plugin Qt loads for the window icon (libqt6svg6). The X11 (xcb) and offscreen platform plugins
# are in libqt6gui6, which shlibdeps finds; qt6-qpa-plugins only holds VNC and TUIO.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6")
# A native Wayland window (without it Qt runs through XWayland), and xdg-open for the export
# dialog's "Show in Folder".
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland, xdg-utils")
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/package")
include(CPack)

# package.Deb: build the package and check what it holds, then run the programs from it.
# check-deb.sh reads what it needs to know about this build from check-deb.env.
string(REPLACE ";" " " _graft_icon_sizes "${GRAFT_ICON_SIZES}")
file(WRITE "${GRAFT_PACKAGING_OUT}/check-deb.env"
     "GRAFT_CPACK='${CMAKE_CPACK_COMMAND}'\n"
     "GRAFT_SOURCE_DIR='${PROJECT_SOURCE_DIR}'\n"
     "GRAFT_VERSION='${PROJECT_VERSION}'\n"
     "GRAFT_APPSTREAM_ID='${GRAFT_APPSTREAM_ID}'\n"
     "GRAFT_ICON_SIZES='${_graft_icon_sizes}'\n"
     "GRAFT_SANITIZE='${GRAFT_SANITIZE}'\n")
if(TARGET graft)
  add_test(NAME package.Deb COMMAND bash "${GRAFT_PACKAGING_DIR}/check-deb.sh" "${PROJECT_BINARY_DIR}")
  set_tests_properties(package.Deb PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()
