# Debian package of slawatch: `cmake --build <build> --target package` (or `cpack` in the build
# directory) writes slawatch_<version>_<arch>.deb. Included at the end of the root CMakeLists.txt.
#
# Contents:
#   /usr/bin/slawatch                         (installed by daemon/CMakeLists.txt)
#   /etc/slawatch/slawatch.yaml, rules.yaml   conffiles: dpkg keeps local edits on upgrade
#   /lib/systemd/system/slawatch.service, slawatch@.service
#   /usr/share/slawatch/dashboards/*.json     Grafana dashboards
#   /usr/share/slawatch/grafana/provisioning/ Grafana datasource and dashboard provider
#   /usr/share/slawatch/prometheus/           recording and alerting rules
#   /usr/share/doc/slawatch/                  README, operations.md (the walk-through), copyright
# The service is neither enabled nor started on install: it needs a Redis to point at first.

set(slawatch_source ${PROJECT_SOURCE_DIR})

# `cpack` and `make install` package what is built and do not build `all` first (unit tests and
# benchmarks included): build the `slawatch` target before packaging. The package test then
# packages exactly the binary under test, in seconds.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# Configuration: both files are conffiles. The daemon's config names the rules file.
set(slawatch_conffiles "")
foreach(config slawatch.yaml rules.yaml)
  if(EXISTS ${slawatch_source}/config/${config})
    install(FILES ${slawatch_source}/config/${config} DESTINATION /etc/slawatch
            PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    string(APPEND slawatch_conffiles "/etc/slawatch/${config}\n")
  else()
    message(WARNING "packaging: config/${config} is missing; the package will lack it")
  endif()
endforeach()
install(FILES ${slawatch_source}/config/demo-rules.yaml DESTINATION share/slawatch/examples)

install(FILES ${slawatch_source}/systemd/slawatch.service ${slawatch_source}/systemd/slawatch@.service
        DESTINATION /lib/systemd/system)

install(FILES ${slawatch_source}/dashboards/sla-overview.json ${slawatch_source}/dashboards/escalations.json
              ${slawatch_source}/dashboards/health.json
        DESTINATION share/slawatch/dashboards)
install(DIRECTORY ${slawatch_source}/dashboards/provisioning/
        DESTINATION share/slawatch/grafana/provisioning)
install(FILES ${slawatch_source}/dashboards/prometheus/recording.rules.yml
              ${slawatch_source}/dashboards/prometheus/alerting.rules.yml
        DESTINATION share/slawatch/prometheus)
install(FILES ${slawatch_source}/packaging/debian/copyright DESTINATION share/doc/slawatch)
install(FILES ${slawatch_source}/dashboards/README.md DESTINATION share/doc/slawatch
        RENAME operations.md)
if(EXISTS ${slawatch_source}/README.md)
  install(FILES ${slawatch_source}/README.md DESTINATION share/doc/slawatch)
endif()

# Maintainer scripts (systemd reload on install/remove, stop on remove) and conffiles.
set(slawatch_control_dir ${PROJECT_BINARY_DIR}/packaging/debian)
file(MAKE_DIRECTORY ${slawatch_control_dir})
file(WRITE ${slawatch_control_dir}/conffiles "${slawatch_conffiles}")
foreach(script postinst prerm postrm)
  file(COPY ${slawatch_source}/packaging/debian/${script} DESTINATION ${slawatch_control_dir}
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                        WORLD_READ WORLD_EXECUTE)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME slawatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "slawatch maintainers <slawatch@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "real-time customer-service SLA watcher")
set(CPACK_PACKAGE_DESCRIPTION
    "slawatch reads case events from Redis Streams, keeps an SLA clock per case and policy \
(business calendars, pauses, escalations), writes outcomes and notifications back to Redis, \
notifies Alertmanager and webhooks, and exports Prometheus metrics. Ships Grafana dashboards, \
Prometheus recording and alerting rules and hardened systemd units.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/slawatch/slawatch")
# Runtime libraries of the binary (`readelf -d build/slawatch` NEEDED, `dpkg -S` on each; libssl3
# holds libcrypto.so.3); the package test checks that every library the installed binary needs
# comes from one of these. tzdata: the business calendars read /usr/share/zoneinfo at run time.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6, libstdc++6, libgcc-s1, libcaf-core0.17, libhiredis0.14, libprometheus-cpp-core1.0, \
libprometheus-cpp-pull1.0, libyaml-cpp0.7, libdate-tz3, libspdlog1.10, libfmt9, \
zlib1g, libcpp-httplib0.11, libssl3, libsystemd0, libjemalloc2, tzdata")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "redis-server")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus, prometheus-alertmanager")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${slawatch_control_dir}/conffiles ${slawatch_control_dir}/postinst
    ${slawatch_control_dir}/prerm ${slawatch_control_dir}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The absolute destinations above (/etc, /lib/systemd) are what a Debian package wants.
set(CPACK_WARN_ON_ABSOLUTE_INSTALL_DESTINATION OFF)
# Only the runtime: no headers or static libraries of the libraries the project builds.
set(CPACK_STRIP_FILES ON)

include(CPack)
