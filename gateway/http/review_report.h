// The monthly 好差评 report as one self-contained HTML page (no external
// scripts, styles or fonts — it must open inside a government network with
// no internet): a table per department and a chart of the satisfaction rate
// and bad reviews per day, drawn in the browser from the figures embedded in
// the page.
#pragma once

#include <string>

#include "core/util/json_writer.h"
#include "gateway/service/exchange_service.h"

namespace govsync::gateway {

/// One group's figures as the stats route answers them (and as the report
/// embeds them): counts, "levels" {"1".."5"}, and the two rates (null when
/// there is nothing to divide by).
void writeReviewStats(JsonWriter& w, const store::ReviewStats& g, bool withGroup);

std::string renderReviewReport(const std::string& month, const ReviewStatsResult& byDepartment,
                               const ReviewStatsResult& byDay);

}  // namespace govsync::gateway
