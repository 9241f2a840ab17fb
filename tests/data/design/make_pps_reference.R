# Reference values for PPS designs (R survey 4.1-1): run with Rscript in this folder.
suppressMessages(library(survey))
data(election)
write.csv(election_pps, "election_pps.csv", row.names = FALSE)
write.csv(election_jointprob, "election_jointprob.csv", row.names = FALSE)
# compute from the CSVs exactly as a reader sees them
election_pps <- read.csv("election_pps.csv")
election_jointprob <- unname(as.matrix(read.csv("election_jointprob.csv")))
ds <- list(
  brewer = svydesign(id = ~1, fpc = ~p, data = election_pps, pps = "brewer"),
  overton = svydesign(id = ~1, fpc = ~p, data = election_pps, pps = "overton"),
  hr = svydesign(id = ~1, fpc = ~p, data = election_pps, pps = HR()),
  ppsmat_ht = svydesign(id = ~1, fpc = ~p, data = election_pps, pps = ppsmat(election_jointprob)),
  ppsmat_yg = svydesign(id = ~1, fpc = ~p, data = election_pps, pps = ppsmat(election_jointprob),
                        variance = "YG"),
  wr = svydesign(id = ~1, probs = ~p, data = election_pps))
rows <- list()
for (nm in names(ds)) for (st in c("mean", "total")) {
  est <- if (st == "mean") svymean(~Bush + Kerry, ds[[nm]]) else svytotal(~Bush + Kerry, ds[[nm]])
  rows[[length(rows) + 1]] <- data.frame(design = nm, statistic = st, variable = names(coef(est)),
    estimate = sprintf("%.17g", coef(est)), se = sprintf("%.17g", SE(est)))
}
write.csv(do.call(rbind, rows), "pps_expected.csv", row.names = FALSE)
