// File: third_party/static_link/gssapi_unavailable.cc
//
// The eleven GSSAPI (Kerberos) functions and two name-type OIDs that
// Debian's static libzmq.a refers to, each function failing with
// GSS_S_UNAVAILABLE. They let libzmq and its dependencies (libsodium,
// OpenPGM, NORM, libbsd) link statically: Kerberos ships no static library,
// and linking libgssapi_krb5.so dynamically keeps seven shared libraries
// (gssapi_krb5, krb5, k5crypto, com_err, krb5support, keyutils, resolv) to
// map and relocate at every process start, most of what static linking
// saves.
//
// taskfarm uses the NULL mechanism (ipc) and CURVE (tcp) only: nothing sets
// ZMQ_GSSAPI_SERVER or ZMQ_GSSAPI_CLIENT, so libzmq never calls these. Were
// a socket ever given the GSSAPI mechanism, its handshake would stop here
// and never complete: libzmq 4.3.4 then neither delivers a message nor
// reports an event, exactly as it does with the real Kerberos library and
// no credentials (both tried here). tests/static_link_e2e_test.cc checks
// that the binaries map no shared library beyond glibc's.
//
// The prototypes come from <gssapi/gssapi.h> (libkrb5-dev, which
// libzmq3-dev depends on), so the compiler checks every signature.

#include <gssapi/gssapi.h>

namespace {

gss_OID_desc no_name_type = {0, nullptr};

OM_uint32 Unavailable(OM_uint32* minor_status) {
  if (minor_status != nullptr) *minor_status = 0;
  return GSS_S_UNAVAILABLE;
}

}  // namespace

extern "C" {

gss_OID GSS_C_NT_HOSTBASED_SERVICE = &no_name_type;
gss_OID GSS_C_NT_USER_NAME = &no_name_type;

OM_uint32 gss_accept_sec_context(OM_uint32* minor, gss_ctx_id_t*,
                                 gss_cred_id_t, gss_buffer_t,
                                 gss_channel_bindings_t, gss_name_t*,
                                 gss_OID*, gss_buffer_t, OM_uint32*,
                                 OM_uint32*, gss_cred_id_t*) {
  return Unavailable(minor);
}

OM_uint32 gss_acquire_cred(OM_uint32* minor, gss_name_t, OM_uint32,
                           gss_OID_set, gss_cred_usage_t, gss_cred_id_t*,
                           gss_OID_set*, OM_uint32*) {
  return Unavailable(minor);
}

OM_uint32 gss_delete_sec_context(OM_uint32* minor, gss_ctx_id_t*,
                                 gss_buffer_t) {
  return Unavailable(minor);
}

OM_uint32 gss_display_name(OM_uint32* minor, gss_name_t, gss_buffer_t,
                           gss_OID*) {
  return Unavailable(minor);
}

OM_uint32 gss_import_name(OM_uint32* minor, gss_buffer_t, gss_OID,
                          gss_name_t*) {
  return Unavailable(minor);
}

OM_uint32 gss_init_sec_context(OM_uint32* minor, gss_cred_id_t,
                               gss_ctx_id_t*, gss_name_t, gss_OID, OM_uint32,
                               OM_uint32, gss_channel_bindings_t,
                               gss_buffer_t, gss_OID*, gss_buffer_t,
                               OM_uint32*, OM_uint32*) {
  return Unavailable(minor);
}

OM_uint32 gss_release_buffer(OM_uint32* minor, gss_buffer_t) {
  return Unavailable(minor);
}

OM_uint32 gss_release_cred(OM_uint32* minor, gss_cred_id_t*) {
  return Unavailable(minor);
}

OM_uint32 gss_release_name(OM_uint32* minor, gss_name_t*) {
  return Unavailable(minor);
}

OM_uint32 gss_unwrap(OM_uint32* minor, gss_ctx_id_t, gss_buffer_t,
                     gss_buffer_t, int*, gss_qop_t*) {
  return Unavailable(minor);
}

OM_uint32 gss_wrap(OM_uint32* minor, gss_ctx_id_t, int, gss_qop_t,
                   gss_buffer_t, int*, gss_buffer_t) {
  return Unavailable(minor);
}

}  // extern "C"
