#pragma once

#include <openssl/bio.h>

namespace confab::sfu::detail {

// Creates the BIO type DtlsTransport plugs into its SSL (defined in dtls_transport.cpp).
BIO_METHOD* make_dtls_bio_method();

}  // namespace confab::sfu::detail
