// BIND key files (docs/specs/tsig.md section 9.1): the `key` clauses of named.conf, exactly what
// `tsig-keygen -a hmac-sha256 name` writes and `dig -k` reads:
//
//   key "name." {
//   	algorithm hmac-sha256;
//   	secret "base64==";
//   };
//
// A file may hold several clauses; the name may be quoted or not; comments are `// ...`, `# ...`
// and `/* ... */`. Nothing else may be in the file: each clause holds one `algorithm` and one
// `secret` statement, each ended by `;`, and the clause is ended by `};`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "resolver/config/config.h"
#include "resolver/config/tsig_keys.h"

namespace redoubt::resolver {

// The keys of a key file's text, in file order, each with origin "display_name:line" (the line of
// its `key` word). A syntax error, a bad name, algorithm or secret (RFC 8945 sections 6 and 8),
// or a file without any clause is an error naming display_name and the line; no error contains
// secret text. Duplicate names are the caller's to check, across all files.
Result<std::vector<TsigKeyConfig>, ConfigError> ParseBindKeyFile(std::string_view text,
                                                                 const std::string& display_name);

}  // namespace redoubt::resolver
