# Read by cpack for every generator (CPACK_PROJECT_CONFIG_FILE), at package time.
# DEB Depends: dpkg-shlibdeps computes the library packages with their minimum
# versions when it is installed (dpkg-dev); without it, or with
# `cpack -D GOVSYNC_DEB_SHLIBDEPS=OFF`, the list written out below is used. The
# packaging test checks that both name the same packages, and that every library
# the program links is in them.
if(CPACK_GENERATOR STREQUAL "DEB")
  if(NOT DEFINED GOVSYNC_DEB_SHLIBDEPS)
    set(GOVSYNC_DEB_SHLIBDEPS ON)
  endif()
  find_program(GOVSYNC_DPKG_SHLIBDEPS dpkg-shlibdeps)
  if(GOVSYNC_DEB_SHLIBDEPS AND GOVSYNC_DPKG_SHLIBDEPS)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CPACK_GOVSYNC_DEB_OTHER_DEPENDS}")
  else()
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CPACK_GOVSYNC_DEB_LIB_DEPENDS}, ${CPACK_GOVSYNC_DEB_OTHER_DEPENDS}")
  endif()
endif()
