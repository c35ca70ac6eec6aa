// A case's state as bytes, for its snapshot key in Redis (actors/keys.hpp). Versioned text, one
// item per line, so that a snapshot can be read with redis-cli when something goes wrong:
//
//   slawatch-snapshot/2
//   case<TAB><case_id>
//   flags<TAB><open 0|1><fcr_counted 0|1>
//   last<TAB><stream><TAB><entry id>          (only once an entry was applied)
//   e<TAB><event as rules::encode_event_json>  (one per event, in application order)
//   h<TAB><16 lower-case hex digits>          (one per record already written: the hash of its
//                                             id, actors/emitted_ids.hpp; in increasing order)
//
// Version 1, still read, had the record ids themselves instead of `h` lines:
//   r<TAB><record id without "<case_id>:">    (one per record already written, sorted)
//   R<TAB><record id>                         (a record id that does not start so)
//
// Pure functions: no I/O, no CAF.
#pragma once

#include <string>
#include <string_view>

#include "actors/messages.hpp"
#include "rules/expected.hpp"

namespace slawatch::actors {

/// The format version written by encode_snapshot(); decode_snapshot() reads it and version 1,
/// and refuses any other.
inline constexpr int snapshot_version = 2;

/// Encodes a case's state. Fails (with the reason) only for text that the format cannot hold:
/// a tab or a line break in the case id, the stream name or the entry id.
rules::expected<std::string, std::string> encode_snapshot(const case_archive& archive);

/// Decodes what encode_snapshot() wrote. A snapshot of another version, or damaged, gives the
/// reason (never throws, never crashes).
rules::expected<case_archive, std::string> decode_snapshot(std::string_view bytes);

}  // namespace slawatch::actors
