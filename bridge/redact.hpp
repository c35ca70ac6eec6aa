// Personal data out of a payload before it is kept in the dead-letter stream.
#pragma once

#include <string>
#include <string_view>

namespace slawatch::bridge {

/// The body as compact JSON with every value that may be personal replaced by "[removed]": values
/// of keys that name people, addresses or free text (name, email, body, comment, subject, ...,
/// matched ignoring case and as parts of longer keys, e.g. `emailAddress`, `ticket_contact_name`)
/// and any string with an `@`. Structure, ids, statuses and times stay, so the operator sees why
/// it did not map. A body that is not JSON gives an empty string: nothing of it is kept.
std::string redact_personal(std::string_view body);

}  // namespace slawatch::bridge
