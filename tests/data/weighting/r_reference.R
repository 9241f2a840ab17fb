# Extra R survey 4.1-1 reference values for tests/test_weighting_oracle.py.
# Run from the repository root: Rscript tests/data/weighting/r_reference.R
suppressMessages(library(survey))
D <- "tests/data/oracle/data/"  # run from the repository root
apiclus1 <- read.csv(paste0(D,"apiclus1.csv")); apistrat <- read.csv(paste0(D,"apistrat.csv"))
dclus1 <- svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1)
dstrat <- svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)
rclus1 <- as.svrepdesign(dclus1)
pop.types <- data.frame(stype=c("E","H","M"), Freq=c(4421,755,1018))
pop.schwide <- data.frame(sch.wide=c("No","Yes"), Freq=c(1072,5122))
out <- list()
add <- function(case, design, stat) {
  out[[length(out)+1]] <<- data.frame(case=case, term=names(coef(stat)), estimate=sprintf("%.17g", coef(stat)), se=sprintf("%.17g", SE(stat)),
      sumw=sprintf("%.17g", sum(weights(design, "sampling"))), minw=sprintf("%.17g", min(weights(design,"sampling"))), maxw=sprintf("%.17g", max(weights(design,"sampling"))))
}
# post-stratification with weights that vary within post-strata (oldweights matter)
d <- postStratify(dstrat, ~sch.wide, pop.schwide); add("strat_ps_schwide_mean_api00", d, svymean(~api00, d))
add("strat_ps_schwide_total_enroll", d, svytotal(~enroll, d))
# raking a stratified design
d <- rake(dstrat, list(~sch.wide, ~comp.imp), list(pop.schwide, data.frame(comp.imp=c("No","Yes"), Freq=c(2000,4194))), control=list(maxit=100, epsilon=1e-12))
add("strat_rake_mean_api00", d, svymean(~api00, d))
# linear calibration with bounds (truncated linear) and logit with bounds
d <- calibrate(dclus1, ~stype+api99, c(6194, 755, 1018, 3914069), bounds=c(0.7, 1.7), calfun="linear")
add("clus1_cal_trunclinear_mean_api00", d, svymean(~api00, d))
d <- calibrate(dclus1, ~stype+api99, c(6194, 755, 1018, 3914069), bounds=c(0.7, 1.7), calfun="logit")
add("clus1_cal_logit_mean_api00", d, svymean(~api00, d))
d <- calibrate(dclus1, ~stype+api99, c(6194, 755, 1018, 3914069), bounds=c(25, 55), bounds.const=TRUE, calfun="logit")
add("clus1_cal_logit_boundsconst_mean_api00", d, svymean(~api00, d))
d <- calibrate(dclus1, ~stype+api99, c(6194, 755, 1018, 3914069), calfun="raking")
add("clus1_cal_raking_api99_mean_api00", d, svymean(~api00, d))
# replicate: raking, linear and raking calibration
d <- rake(rclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide), control=list(maxit=100, epsilon=1e-13))
add("rclus1_rake_mean_api00", d, svymean(~api00, d))
d <- calibrate(rclus1, ~stype+api99, c(6194, 755, 1018, 3914069))
add("rclus1_cal_linear_mean_api00", d, svymean(~api00, d))
d <- calibrate(rclus1, ~stype+sch.wide, c(6194, 755, 1018, 5122), calfun="raking", epsilon=1e-12, maxit=100)
add("rclus1_cal_raking_mean_api00", d, svymean(~api00, d))
# joint margins: post-stratify on stype x sch.wide, rake on (stype x sch.wide) and comp.imp
apipop <- read.csv(paste0(D, "apipop.csv"))
pop.joint <- as.data.frame(xtabs(~stype+sch.wide, apipop))
pop.comp <- as.data.frame(xtabs(~comp.imp, apipop))
d <- postStratify(dclus1, ~stype+sch.wide, pop.joint)
add("clus1_ps_joint_mean_api00", d, svymean(~api00, d))
d <- rake(dclus1, list(~stype+sch.wide, ~comp.imp), list(pop.joint, pop.comp), control=list(maxit=100, epsilon=1e-12))
add("clus1_rake_joint_mean_api00", d, svymean(~api00, d))
# chained: calibrate then post-stratify (two residualizers in order)
d <- postStratify(calibrate(dclus1, ~api99, c(6194, 3914069)), ~stype, pop.types)
add("clus1_cal_then_ps_mean_api00", d, svymean(~api00, d))
res <- do.call(rbind, out)
write.csv(res, "tests/data/weighting/r_reference.csv", row.names=FALSE)
print(res)
