// Importers of the three public ticketing logs; the mapping is documented in import.hpp.
#include "replay/import.hpp"

#include <date/tz.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <istream>
#include <ostream>
#include <streambuf>
#include <unordered_map>

#include "rules/codec.hpp"
#include "rules/event.hpp"
#include "rules/time.hpp"

namespace slawatch::replay {

namespace {

using rules::attributes;
using rules::event_type;
using rules::instant;

// ---------------------------------------------------------------------------------------------
// What a source state means for the contract.

enum class state_effect { open, resolve, close };

struct state_meaning {
  state_effect effect = state_effect::open;
  std::string status;          ///< open: the status told to the engine
  bool agent_working = false;  ///< open: counts as the first response proxy
  attributes close_attrs;      ///< close: extra attributes of case.closed
};

state_meaning open_state(std::string status, bool agent_working) {
  state_meaning m;
  m.status = std::move(status);
  m.agent_working = agent_working;
  return m;
}

state_meaning effect_only(state_effect effect) {
  state_meaning m;
  m.effect = effect;
  return m;
}

/// The status the engine starts a case with; a source state saying the same is not repeated.
constexpr std::string_view status_new = "new";

// ---------------------------------------------------------------------------------------------
// Per-case memory of what was already told, so only changes become events.

struct case_track {
  std::string source_id;
  std::string case_id;
  std::size_t rows = 0;  // rows of this case seen so far, mapped or not
  bool created = false;
  std::string status;  // last status told; empty right after creation
  bool resolved = false;
  bool closed = false;
  bool responded = false;  // first-response proxy already emitted
  bool person_assigned = false;
  attributes attrs;  // last value told of every attribute
  std::vector<std::string> last_row;
};

/// Turns the decisions about one row into numbered events and writes them.
class row_events {
 public:
  row_events(case_track& track, std::size_t row_index, instant ts, std::ostream& out,
             import_summary& summary)
      : track_(track), row_index_(row_index), ts_(ts), out_(out), summary_(summary) {}

  std::size_t emitted() const noexcept { return emitted_; }

  void emit(event_type type, attributes attrs = {}, std::optional<instant> ts = std::nullopt) {
    rules::event e;
    e.type = type;
    e.case_id = track_.case_id;
    e.ts = ts.value_or(ts_);
    e.event_id = event_id();
    e.attrs = std::move(attrs);
    out_ << rules::encode_event_json(e) << '\n';
    ++emitted_;
    ++summary_.events;
    ++summary_.events_by_type[rules::to_string(type)];
  }

  /// case.created with every known attribute but the assignee; `created_at` may precede the row
  /// (ServiceNow opened_at). An assignee known from the first row is told by a case.assigned at
  /// the row's time, so the triage clock sees the assignment as an event of its own.
  void create(const attributes& attrs, instant created_at) {
    track_.attrs = attrs;
    track_.created = true;
    ++summary_.cases;
    attributes created = attrs;
    const auto assignee = created.find("assignee");
    std::optional<std::string> first_assignee;
    if (assignee != created.end()) {
      first_assignee = assignee->second;
      created.erase(assignee);
    }
    emit(event_type::case_created, std::move(created), created_at);
    if (first_assignee) {
      track_.person_assigned = true;
      emit(event_type::case_assigned, {{"assignee", *first_assignee}});
    }
  }

  /// case.updated / case.assigned for the attributes whose value changed (absent ones are not
  /// news: the logs leave fields blank when unknown, they do not clear them).
  void update_attributes(const attributes& attrs) {
    attributes assignment;
    attributes other;
    for (const auto& [name, value] : attrs) {
      auto known = track_.attrs.find(name);
      if (known != track_.attrs.end() && known->second == value) continue;
      track_.attrs[name] = value;
      (name == "team" || name == "assignee" ? assignment : other)[name] = value;
    }
    if (!other.empty()) emit(event_type::case_updated, std::move(other));
    if (!assignment.empty()) {
      if (assignment.count("assignee") != 0) track_.person_assigned = true;
      emit(event_type::case_assigned, std::move(assignment));
    }
  }

  /// case.assigned without a change of team or assignee: a person took the case (BPIC
  /// Accepted, helpdesk Take in charge), told once.
  void person_takes_case() {
    if (track_.person_assigned) return;
    track_.person_assigned = true;
    attributes attrs;
    if (auto team = track_.attrs.find("team"); team != track_.attrs.end()) {
      attrs.insert(*team);
    }
    emit(event_type::case_assigned, std::move(attrs));
  }

  void first_response() {
    if (track_.responded) return;
    track_.responded = true;
    emit(event_type::message_agent);
  }

  void apply(const state_meaning& state) {
    switch (state.effect) {
      case state_effect::open:
        if (track_.resolved || track_.closed) {
          track_.resolved = false;
          track_.closed = false;
          track_.status.clear();
          emit(event_type::case_reopened);
        }
        if (state.agent_working) first_response();
        if (track_.status.empty() && state.status == status_new) {
          track_.status = state.status;  // creation already says "new"
        } else if (state.status != track_.status) {
          track_.status = state.status;
          emit(event_type::case_status_changed, {{"status", state.status}});
        }
        break;
      case state_effect::resolve:
        if (track_.resolved || track_.closed) return;
        first_response();
        track_.resolved = true;
        emit(event_type::case_resolved);
        break;
      case state_effect::close:
        if (track_.closed) return;
        track_.closed = true;
        emit(event_type::case_closed, state.close_attrs);
        break;
    }
  }

 private:
  std::string event_id() const {
    std::string index = std::to_string(row_index_);
    if (index.size() < 4) index.insert(0, 4 - index.size(), '0');
    std::string id = track_.source_id + "#" + index;
    if (emitted_ > 0) id += "." + std::to_string(emitted_);
    return id;
  }

  case_track& track_;
  std::size_t row_index_;
  instant ts_;
  std::ostream& out_;
  import_summary& summary_;
  std::size_t emitted_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Small parsing helpers.

std::optional<int> parse_digits(std::string_view text, std::size_t min_digits,
                                std::size_t max_digits) {
  if (text.size() < min_digits || text.size() > max_digits) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<date::local_seconds> make_local(int y, int mo, int d, int h, int mi, int s) {
  const date::year_month_day day{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!day.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return date::local_days{day} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s};
}

/// ServiceNow `d/m/yyyy H:MM` (no zero padding, no seconds), read as UTC.
std::optional<instant> parse_servicenow_time(std::string_view text) {
  const auto slash1 = text.find('/');
  const auto slash2 = text.find('/', slash1 == std::string_view::npos ? 0 : slash1 + 1);
  const auto space = text.find(' ');
  const auto colon = text.find(':');
  if (slash1 == std::string_view::npos || slash2 == std::string_view::npos ||
      space == std::string_view::npos || colon == std::string_view::npos ||
      !(slash1 < slash2 && slash2 < space && space < colon)) {
    return std::nullopt;
  }
  const auto d = parse_digits(text.substr(0, slash1), 1, 2);
  const auto mo = parse_digits(text.substr(slash1 + 1, slash2 - slash1 - 1), 1, 2);
  const auto y = parse_digits(text.substr(slash2 + 1, space - slash2 - 1), 4, 4);
  const auto h = parse_digits(text.substr(space + 1, colon - space - 1), 1, 2);
  const auto mi = parse_digits(text.substr(colon + 1), 2, 2);
  if (!d || !mo || !y || !h || !mi) return std::nullopt;
  const auto local = make_local(*y, *mo, *d, *h, *mi, 0);
  if (!local) return std::nullopt;
  return instant{local->time_since_epoch()};
}

/// Helpdesk `YYYY-MM-DD hh:mm:ss` wall clock in `zone`.
std::optional<instant> parse_helpdesk_time(std::string_view text, const date::time_zone& zone) {
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  const auto y = parse_digits(text.substr(0, 4), 4, 4);
  const auto mo = parse_digits(text.substr(5, 2), 2, 2);
  const auto d = parse_digits(text.substr(8, 2), 2, 2);
  const auto h = parse_digits(text.substr(11, 2), 2, 2);
  const auto mi = parse_digits(text.substr(14, 2), 2, 2);
  const auto s = parse_digits(text.substr(17, 2), 2, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  const auto local = make_local(*y, *mo, *d, *h, *mi, *s);
  if (!local) return std::nullopt;
  // earliest: a repeated autumn hour is its first occurrence, a time in the spring gap is the
  // transition instant.
  return zone.to_sys(*local, date::choose::earliest);
}

/// Header name -> column index; fails naming the first required column that is missing.
class column_index {
 public:
  explicit column_index(std::vector<std::string> header) {
    if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);
    for (std::size_t i = 0; i < header.size(); ++i) index_.emplace(header[i], i);
    width_ = header.size();
  }

  std::optional<std::string> require(std::initializer_list<const char*> names) {
    for (const char* name : names) {
      if (index_.count(name) == 0) return std::string("missing column `") + name + "`";
    }
    return std::nullopt;
  }

  std::size_t operator[](const char* name) const { return index_.at(name); }
  std::size_t width() const noexcept { return width_; }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t width_ = 0;
};

/// A field value, or nothing when the log marks it unknown (`?` in ServiceNow, empty elsewhere).
std::optional<std::string> known(const std::string& value) {
  if (value.empty() || value == "?") return std::nullopt;
  return value;
}

void put_known(attributes& attrs, const char* name, const std::string& value) {
  if (auto v = known(value)) attrs[name] = *v;
}

// ---------------------------------------------------------------------------------------------
// One row of any format, after the format-specific reading.

struct mapped_row {
  std::string source_id;
  instant ts;
  std::optional<instant> created_at;  ///< when creation precedes the row (ServiceNow opened_at)
  attributes attrs;                   ///< the case attributes this row states
  enum class action { state, none, escalate } kind = action::state;
  state_meaning state;             ///< kind == state
  attributes extra;                ///< escalate: its attributes
  bool person_takes_case = false;  ///< also tell that a person took the case
};

/// Why a row cannot be mapped (an unmapped reason label); nothing when `out` was filled.
using row_problem = std::optional<std::string>;

// ---------------------------------------------------------------------------------------------
// ServiceNow

std::optional<state_meaning> servicenow_state(const std::string& state) {
  if (state == "New") return open_state(std::string(status_new), false);
  if (state == "Active") return open_state("active", true);
  if (state == "Awaiting User Info") return open_state("pending", true);
  if (state == "Awaiting Vendor") return open_state("awaiting_vendor", true);
  if (state == "Awaiting Problem") return open_state("awaiting_problem", true);
  if (state == "Awaiting Evidence") return open_state("awaiting_evidence", true);
  if (state == "Resolved") return effect_only(state_effect::resolve);
  if (state == "Closed") return effect_only(state_effect::close);
  return std::nullopt;  // -100 and anything new
}

std::optional<std::string> servicenow_priority(const std::string& value) {
  if (value == "1 - Critical") return "P1";
  if (value == "2 - High") return "P2";
  if (value == "3 - Moderate") return "P3";
  if (value == "4 - Low") return "P4";
  return std::nullopt;
}

std::optional<std::string> servicenow_channel(const std::string& value) {
  if (value == "Phone" || value == "IVR") return "phone";
  if (value == "Email") return "email";
  if (value == "Self service" || value == "Direct opening") return "portal";
  return std::nullopt;
}

struct servicenow_columns {
  std::size_t number, state, opened_at, updated_at, contact_type, category, subcategory, priority,
      group, assigned_to, made_sla, closed_code;
};

row_problem map_servicenow(const std::vector<std::string>& row, const servicenow_columns& c,
                           mapped_row& m) {
  const auto ts = parse_servicenow_time(row[c.updated_at]);
  if (!ts) return "bad_timestamp";
  m.ts = *ts;
  const auto state = servicenow_state(row[c.state]);
  if (!state) return "unknown_state";
  m.state = *state;
  if (m.state.effect == state_effect::close) {
    put_known(m.state.close_attrs, "made_sla", row[c.made_sla]);
    put_known(m.state.close_attrs, "close_code", row[c.closed_code]);
  }
  if (const auto opened = parse_servicenow_time(row[c.opened_at]); opened && *opened < m.ts) {
    m.created_at = *opened;
  }
  if (auto p = servicenow_priority(row[c.priority])) m.attrs["priority"] = *p;
  if (auto ch = servicenow_channel(row[c.contact_type])) m.attrs["channel"] = *ch;
  put_known(m.attrs, "team", row[c.group]);
  put_known(m.attrs, "assignee", row[c.assigned_to]);
  put_known(m.attrs, "category", row[c.category]);
  put_known(m.attrs, "subcategory", row[c.subcategory]);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// BPIC 2013

std::optional<state_meaning> bpic_state(const std::string& status, const std::string& sub) {
  if (status == "Accepted") {
    if (sub == "In Progress") return open_state("in_progress", true);
    if (sub == "Assigned") return open_state("assigned", false);
    if (sub == "Wait - User" || sub == "Wait - Customer" || sub == "Wait") {
      return open_state("pending", true);
    }
    if (sub == "Wait - Vendor") return open_state("awaiting_vendor", true);
    if (sub == "Wait - Implementation") return open_state("awaiting_implementation", true);
    return std::nullopt;
  }
  if (status == "Queued" && sub == "Awaiting Assignment") return open_state("queued", false);
  if (status == "Completed") {
    if (sub == "In Call" || sub == "Resolved") return effect_only(state_effect::resolve);
    if (sub == "Closed") return effect_only(state_effect::close);
    if (sub == "Cancelled") {
      state_meaning m = effect_only(state_effect::close);
      m.close_attrs["close_code"] = "cancelled";
      return m;
    }
  }
  return std::nullopt;  // Unmatched and anything new
}

std::optional<std::string> bpic_priority(const std::string& impact) {
  if (impact == "Major") return "P1";
  if (impact == "High") return "P2";
  if (impact == "Medium") return "P3";
  if (impact == "Low") return "P4";
  return std::nullopt;
}

struct bpic_columns {
  std::size_t case_id, ts_utc, status, sub_status, impact, product, team;
};

row_problem map_bpic(const std::vector<std::string>& row, const bpic_columns& c, mapped_row& m) {
  const auto ts = rules::parse_iso8601(row[c.ts_utc]);
  if (!ts) return "bad_timestamp";
  m.ts = *ts;
  const auto state = bpic_state(row[c.status], row[c.sub_status]);
  if (!state) return "unknown_state";
  m.state = *state;
  // Accepted means a person took the case, even before work starts (Assigned).
  m.person_takes_case = row[c.status] == "Accepted";
  if (auto p = bpic_priority(row[c.impact])) m.attrs["priority"] = *p;
  put_known(m.attrs, "team", row[c.team]);
  put_known(m.attrs, "product", row[c.product]);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Helpdesk

std::optional<std::string> helpdesk_priority(const std::string& seriousness) {
  if (seriousness == "Value 4") return "P1";
  if (seriousness == "Value 3") return "P2";
  if (seriousness == "Value 2") return "P3";
  if (seriousness == "Value 1") return "P4";
  return std::nullopt;
}

struct helpdesk_columns {
  std::size_t case_id, activity, ts, seriousness_2, service_level, service_type, product,
      responsible_section, support_section, workgroup;
};

row_problem map_helpdesk(const std::vector<std::string>& row, const helpdesk_columns& c,
                         const date::time_zone& zone, mapped_row& m) {
  const auto ts = parse_helpdesk_time(row[c.ts], zone);
  if (!ts) return "bad_timestamp";
  m.ts = *ts;

  const std::string& activity = row[c.activity];
  using action = mapped_row::action;
  if (activity == "Assign seriousness" || activity == "Insert ticket") {
    m.kind = action::none;
  } else if (activity == "Take in charge ticket") {
    m.state = open_state("in_progress", true);
    m.person_takes_case = true;
  } else if (activity == "Wait") {
    m.state = open_state("pending", true);
  } else if (activity == "Require upgrade") {
    m.state = open_state("awaiting_upgrade", true);
  } else if (activity == "Schedule intervention") {
    m.state = open_state("intervention_scheduled", true);
  } else if (activity == "Resolve ticket") {
    m.state = effect_only(state_effect::resolve);
  } else if (activity == "Closed") {
    m.state = effect_only(state_effect::close);
  } else if (activity == "Create SW anomaly") {
    m.kind = action::escalate;
    m.extra = {{"reason", "software anomaly"}, {"sw_anomaly", "open"}};
  } else if (activity == "Resolve SW anomaly" || activity == "RESOLVED") {
    m.kind = action::none;
    m.attrs["sw_anomaly"] = "resolved";
  } else if (activity == "VERIFIED" || activity == "INVALID" || activity == "DUPLICATE") {
    m.kind = action::none;
    std::string value = activity;
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    m.attrs["sw_anomaly"] = value;
  } else {
    return "unknown_activity";
  }

  if (auto p = helpdesk_priority(row[c.seriousness_2])) m.attrs["priority"] = *p;
  put_known(m.attrs, "seriousness", row[c.seriousness_2]);
  put_known(m.attrs, "service_level", row[c.service_level]);
  put_known(m.attrs, "service_type", row[c.service_type]);
  put_known(m.attrs, "product", row[c.product]);
  put_known(m.attrs, "responsible_section", row[c.responsible_section]);
  put_known(m.attrs, "support_section", row[c.support_section]);
  put_known(m.attrs, "team", row[c.workgroup]);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// The driver shared by all formats.

/// Applies one mapped row to its case; returns how many events it gave.
std::size_t apply_row(mapped_row& m, case_track& track, std::size_t row_index, std::ostream& out,
                      import_summary& summary) {
  row_events events(track, row_index, m.ts, out, summary);
  if (!track.created) {
    // The first mapped row opens the case, whatever it says besides.
    events.create(m.attrs, m.created_at.value_or(m.ts));
  } else {
    events.update_attributes(m.attrs);
  }
  if (m.person_takes_case) events.person_takes_case();
  switch (m.kind) {
    case mapped_row::action::state:
      events.apply(m.state);
      break;
    case mapped_row::action::escalate:
      events.emit(event_type::case_escalated, m.extra);
      break;
    case mapped_row::action::none:
      break;
  }
  return events.emitted();
}

/// The source id of a row: the id column without the helpdesk's `Case ` prefix.
std::string source_id_of(import_format format, const std::string& id_field) {
  if (format == import_format::helpdesk && id_field.rfind("Case ", 0) == 0) {
    return id_field.substr(5);
  }
  return id_field;
}

template <class MapRow>
import_summary run_import(import_format format, csv_reader& reader, std::size_t width,
                          std::size_t id_column, std::ostream& out, MapRow map_row) {
  import_summary summary;
  std::unordered_map<std::string, case_track> cases;
  const std::string prefix = std::string(to_string(format)) + ":";
  std::vector<std::string> row;
  while (reader.next(row)) {
    if (row.size() == 1 && row[0].empty()) continue;  // a blank line is not a row
    ++summary.rows;
    if (row.size() != width || reader.unterminated()) {
      ++summary.unmapped["bad_row"];
      continue;
    }
    mapped_row mapped;
    mapped.source_id = source_id_of(format, row[id_column]);
    if (!known(mapped.source_id)) {
      ++summary.unmapped["missing_case_id"];
      continue;
    }
    case_track& track = cases[mapped.source_id];
    if (track.source_id.empty()) {
      track.source_id = mapped.source_id;
      track.case_id = prefix + mapped.source_id;
    }
    // Unmapped rows count too, so event ids give the row's position within the case.
    const std::size_t row_index = track.rows++;
    if (const row_problem problem = map_row(row, mapped)) {
      ++summary.unmapped[*problem];
      continue;
    }
    if (track.last_row == row) {
      ++summary.rows_without_events["duplicate_row"];
      continue;
    }
    track.last_row.swap(row);  // row is refilled by the next read; no copy needed
    if (apply_row(mapped, track, row_index, out, summary) > 0) {
      ++summary.rows_with_events;
    } else {
      ++summary.rows_without_events["no_change"];
    }
  }
  return summary;
}

std::size_t sum_of(const std::map<std::string, std::size_t>& counts) {
  std::size_t total = 0;
  for (const auto& entry : counts) total += entry.second;
  return total;
}

void write_counts(std::ostream& out, const std::map<std::string, std::size_t>& counts) {
  bool first = true;
  for (const auto& [name, count] : counts) {
    out << (first ? "" : ", ") << name << ' ' << count;
    first = false;
  }
}

// ---------------------------------------------------------------------------------------------
// gzip input

/// A read-only stream buffer over zlib's gzFile, which reads plain files unchanged.
class gzip_buffer : public std::streambuf {
 public:
  explicit gzip_buffer(gzFile file) : file_(file) {}
  gzip_buffer(const gzip_buffer&) = delete;
  gzip_buffer& operator=(const gzip_buffer&) = delete;
  ~gzip_buffer() override { gzclose(file_); }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const int got = gzread(file_, buffer_.data(), static_cast<unsigned>(buffer_.size()));
    if (got <= 0) return traits_type::eof();  // end, or a corrupt file: the reader sees its end
    setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
    return traits_type::to_int_type(*gptr());
  }

 private:
  gzFile file_;
  std::array<char, 64 * 1024> buffer_{};
};

/// An istream that owns its gzip_buffer.
class gzip_istream : public std::istream {
 public:
  explicit gzip_istream(gzFile file) : std::istream(nullptr), buffer_(file) { rdbuf(&buffer_); }

 private:
  gzip_buffer buffer_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

bool csv_reader::next(std::vector<std::string>& fields) {
  fields.clear();
  unterminated_ = false;
  std::streambuf* buf = in_.rdbuf();
  using traits = std::streambuf::traits_type;
  if (buf == nullptr || traits::eq_int_type(buf->sgetc(), traits::eof())) return false;
  record_line_ = next_line_;
  std::string field;
  bool quoted = false;  // inside a quoted part of the field
  for (;;) {
    const auto ch = buf->sbumpc();
    if (traits::eq_int_type(ch, traits::eof())) {
      unterminated_ = quoted;
      fields.push_back(std::move(field));
      return true;
    }
    const char c = traits::to_char_type(ch);
    if (c == '\n') ++next_line_;
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (buf->sgetc() == '"') {
        buf->sbumpc();
        field += '"';
      } else {
        quoted = false;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      fields.push_back(std::move(field));
      return true;
    } else if (c == '\r' && buf->sgetc() == '\n') {
      // CRLF: the \n ends the record on the next turn.
    } else {
      field += c;
    }
  }
}

const char* to_string(import_format f) {
  switch (f) {
    case import_format::servicenow:
      return "servicenow";
    case import_format::bpic2013:
      return "bpic2013";
    case import_format::helpdesk:
      return "helpdesk";
  }
  return "unknown";
}

std::optional<import_format> parse_import_format(std::string_view name) {
  for (auto f : {import_format::servicenow, import_format::bpic2013, import_format::helpdesk}) {
    if (name == to_string(f)) return f;
  }
  return std::nullopt;
}

std::size_t import_summary::unmapped_rows() const { return sum_of(unmapped); }
std::size_t import_summary::rows_without_events_total() const {
  return sum_of(rows_without_events);
}

rules::expected<import_summary, std::string> import_csv(import_format format, std::istream& csv,
                                                        std::ostream& events_jsonl) {
  using result = rules::expected<import_summary, std::string>;
  csv_reader reader(csv);
  std::vector<std::string> header;
  if (!reader.next(header)) return result::failure("empty input: no CSV header");
  column_index columns(header);

  switch (format) {
    case import_format::servicenow: {
      if (auto missing =
              columns.require({"number", "incident_state", "opened_at", "sys_updated_at",
                               "contact_type", "category", "subcategory", "priority",
                               "assignment_group", "assigned_to", "made_sla", "closed_code"})) {
        return result::failure(*missing);
      }
      const servicenow_columns c{
          columns["number"],         columns["incident_state"], columns["opened_at"],
          columns["sys_updated_at"], columns["contact_type"],   columns["category"],
          columns["subcategory"],    columns["priority"],       columns["assignment_group"],
          columns["assigned_to"],    columns["made_sla"],       columns["closed_code"]};
      return run_import(format, reader, columns.width(), c.number, events_jsonl,
                        [&c](const std::vector<std::string>& row, mapped_row& m) {
                          return map_servicenow(row, c, m);
                        });
    }
    case import_format::bpic2013: {
      if (auto missing = columns.require({"case_id", "timestamp_utc", "status", "sub_status",
                                          "impact", "product", "support_team"})) {
        return result::failure(*missing);
      }
      const bpic_columns c{columns["case_id"],     columns["timestamp_utc"], columns["status"],
                           columns["sub_status"],  columns["impact"],        columns["product"],
                           columns["support_team"]};
      return run_import(
          format, reader, columns.width(), c.case_id, events_jsonl,
          [&c](const std::vector<std::string>& row, mapped_row& m) { return map_bpic(row, c, m); });
    }
    case import_format::helpdesk: {
      if (auto missing = columns.require(
              {"Case ID", "Activity", "Complete Timestamp", "seriousness_2", "service_level",
               "service_type", "product", "responsible_section", "support_section", "workgroup"})) {
        return result::failure(*missing);
      }
      const date::time_zone* zone = nullptr;
      try {
        zone = date::locate_zone("Europe/Rome");
      } catch (const std::exception& e) {
        return result::failure(std::string("time zone Europe/Rome not found: ") + e.what());
      }
      const helpdesk_columns c{columns["Case ID"],
                               columns["Activity"],
                               columns["Complete Timestamp"],
                               columns["seriousness_2"],
                               columns["service_level"],
                               columns["service_type"],
                               columns["product"],
                               columns["responsible_section"],
                               columns["support_section"],
                               columns["workgroup"]};
      return run_import(format, reader, columns.width(), c.case_id, events_jsonl,
                        [&c, zone](const std::vector<std::string>& row, mapped_row& m) {
                          return map_helpdesk(row, c, *zone, m);
                        });
    }
  }
  return result::failure("unknown format");
}

void write_import_summary(std::ostream& out, import_format format, const import_summary& s) {
  out << "import " << to_string(format) << ": " << s.rows << " rows, " << s.cases << " cases, "
      << s.events << " events\n";
  out << "  events by type: ";
  write_counts(out, s.events_by_type);
  out << "\n  rows with events " << s.rows_with_events << "; without events "
      << s.rows_without_events_total();
  if (!s.rows_without_events.empty()) {
    out << " (";
    write_counts(out, s.rows_without_events);
    out << ')';
  }
  out << "; unmapped " << s.unmapped_rows();
  if (!s.unmapped.empty()) {
    out << " (";
    write_counts(out, s.unmapped);
    out << ')';
  }
  out << '\n';
}

rules::expected<std::unique_ptr<std::istream>, std::string> open_maybe_gzip(
    const std::string& path) {
  using result = rules::expected<std::unique_ptr<std::istream>, std::string>;
  errno = 0;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    const char* reason = errno != 0 ? std::strerror(errno) : "out of memory";
    return result::failure("cannot open " + path + ": " + reason);
  }
  gzbuffer(file, 128 * 1024);
  return result(std::make_unique<gzip_istream>(file));
}

}  // namespace slawatch::replay
