// JSON forms of the credit API (docs/api.md): enum names, calendar dates, and the
// renderings of the read side's answers (contracts/queries.h).
//
// Names are the snake_case words of DESIGN.md ("overdue_30", "fraud",
// "loan_application"); Parse* are their inverses and return nullopt for anything
// else (including the *_UNSPECIFIED values), so a handler can answer 400
// invalid_argument naming the field. Dates are "YYYY-MM-DD" (proleptic Gregorian,
// UTC) for days since 1970-01-01; binary values are lower-case hex.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "contracts/queries.h"
#include "proto/creditchain.pb.h"

namespace cc::wire {

std::string_view EventTypeName(pb::EventType v);
std::optional<pb::EventType> ParseEventType(std::string_view name);
std::string_view AmendKindName(pb::AmendKind v);
std::optional<pb::AmendKind> ParseAmendKind(std::string_view name);
std::string_view BlacklistReasonName(pb::BlacklistReason v);
std::optional<pb::BlacklistReason> ParseBlacklistReason(std::string_view name);
std::string_view PurposeName(pb::QueryPurpose v);
std::optional<pb::QueryPurpose> ParsePurpose(std::string_view name);
std::string_view RoleName(pb::Role v);
std::optional<pb::Role> ParseRole(std::string_view name);
std::string_view ChangeKindName(pb::ChangeKind v);
std::optional<pb::ChangeKind> ParseChangeKind(std::string_view name);
std::string_view RegulatoryActionName(pb::RegulatoryActionKind v);
std::optional<pb::RegulatoryActionKind> ParseRegulatoryAction(std::string_view name);

// "YYYY-MM-DD" <-> days since the epoch. ParseDate accepts exactly that form, a
// real calendar day from 1970-01-01 to 9999-12-31.
std::optional<uint32_t> ParseDate(std::string_view text);
std::string FormatDate(uint64_t day);

// Renderings of the read side. `proofs` are not attached here: the handler adds a
// "proof" member where it was asked for one.
nlohmann::json EventJson(const contracts::EventView& view);
nlohmann::json BlacklistJson(const contracts::BlacklistView& view);
nlohmann::json QueryRecordJson(const contracts::QueryRecord& record);
nlohmann::json RiskJson(const contracts::RiskSummary& risk);
nlohmann::json ComplianceJson(const contracts::MemberCompliance& c);
nlohmann::json MemberJson(const contracts::MemberView& m);
nlohmann::json AllianceStatsJson(const contracts::AllianceStats& s);
nlohmann::json ParamsJson(const contracts::AllianceParams& p);
nlohmann::json ProposalJson(const contracts::ProposalView& p);

}  // namespace cc::wire
