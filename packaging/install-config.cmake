# Run at install time (install(CODE) sets GOVSYNC_SRC and the relative
# GNUInstallDirs paths): writes the service's configuration and systemd unit
# with the paths of this installation's prefix — /usr for the .deb
# (CPACK_PACKAGING_INSTALL_PREFIX), whatever --prefix says otherwise.
set(_prefix "${CMAKE_INSTALL_PREFIX}")
# The configuration folder: CMAKE_INSTALL_FULL_SYSCONFDIR computed for the
# prefix of this install, not of the configure step (`--prefix` may differ).
# The rule is GNUInstallDirs_get_absolute_install_dir's for SYSCONFDIR: an
# absolute SYSCONFDIR as given; prefix / or /usr → /etc; /opt/X → /etc/opt/X;
# any other prefix P → P/etc. So the .deb gets /etc/govsync and
# `cmake --install build --prefix /tmp/x` gets /tmp/x/etc/govsync.
if(IS_ABSOLUTE "${GOVSYNC_SYSCONFDIR}")
  set(_sysconfdir "${GOVSYNC_SYSCONFDIR}")
elseif(_prefix STREQUAL "/" OR _prefix MATCHES "^/usr/?$")
  set(_sysconfdir "/${GOVSYNC_SYSCONFDIR}")
elseif(_prefix MATCHES "^/opt/" AND NOT _prefix MATCHES "^/opt/homebrew/")
  set(_sysconfdir "/${GOVSYNC_SYSCONFDIR}${_prefix}")
else()
  set(_sysconfdir "${_prefix}/${GOVSYNC_SYSCONFDIR}")
endif()
set(GOVSYNC_CONF_DIR "${_sysconfdir}/govsync")
set(GOVSYNC_BIN "${_prefix}/${GOVSYNC_BINDIR}/govsync")
set(GOVSYNC_MAPPINGS_DIR "${_prefix}/${GOVSYNC_DATADIR}/govsync/mappings")
set(GOVSYNC_PLUGINS_DIR "${_prefix}/${GOVSYNC_LIBDIR}/govsync/plugins")
set(GOVSYNC_PLUGIN_EXAMPLES_DIR "${_prefix}/${GOVSYNC_LIBDIR}/govsync/examples")
set(GOVSYNC_DOC_DIR "${_prefix}/${GOVSYNC_DOCDIR}")
if(GOVSYNC_CALENDAR_FILE)
  set(GOVSYNC_CALENDAR_LINE
      "  calendar_file: ${_prefix}/${GOVSYNC_DATADIR}/govsync/calendar/${GOVSYNC_CALENDAR_FILE}")
else()
  set(GOVSYNC_CALENDAR_LINE "  # calendar_file: (no working-day calendar shipped in this build)")
endif()
foreach(_pair "govsync.yaml.in|${GOVSYNC_CONF_DIR}/govsync.yaml"
              "govsync.service.in|${_prefix}/lib/systemd/system/govsync.service")
  string(REPLACE "|" ";" _pair "${_pair}")
  list(GET _pair 0 _in)
  list(GET _pair 1 _out)
  set(_dest "$ENV{DESTDIR}${_out}")
  message(STATUS "Installing: ${_dest}")
  configure_file("${GOVSYNC_SRC}/packaging/${_in}" "${_dest}" @ONLY)
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${_dest}")
endforeach()
