# Reference values for tests/test_oracle_extra.py, computed by R survey 4.1-1 (R 4.2.2).
# Run from this directory:  Rscript make_expected.R
# Writes the data CSVs it uses (doubles with 17 significant digits, so they read back to
# R's exact binary values) and expected.csv (one row per scalar, same columns as
# tests/data/oracle/expected.csv). Kept for provenance: the tests do not need R.
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")

# ---------------------------------------------------------------- CSV writer
wcsv <- function(df, file) {
  quote <- which(vapply(df, function(v) is.factor(v) || is.character(v), TRUE))
  for (j in seq_along(df)) {
    v <- df[[j]]
    if (is.double(v)) df[[j]] <- ifelse(is.na(v), NA, sprintf("%.17g", v))
  }
  write.csv(df, file, row.names = FALSE, na = "", quote = if (length(quote)) quote else FALSE)
  invisible(read.csv(file))
}

# ---------------------------------------------------------------- data
data(api); data(mu284); data(election)

# mu284 (two-stage, fpc at both stages) with a domain derived from the PSU number
mu <- mu284
mu$half <- factor(ifelse(mu$id1 %in% c(19, 31), "low", "high"))
wcsv(mu, "mu284.csv")

set.seed(20261124)
# syn3: stratified three-stage sample, fpc (population counts) at every stage.
# 3 strata; PSUs (N1 = 12/20/15, n1 = 3/4/3); SSUs in a PSU (N2 5..9, n2 2..3);
# households in an SSU (N3 8..15, n3 3..4). PSU/SSU ids repeat across strata (nest=TRUE).
rows <- list()
N1 <- c(12, 20, 15); n1 <- c(3, 4, 3)
for (h in 1:3) for (i in seq_len(n1[h])) {
  N2 <- sample(5:9, 1); n2 <- sample(2:3, 1)
  for (j in seq_len(n2)) {
    N3 <- sample(8:15, 1); n3 <- sample(3:4, 1)
    for (k in seq_len(n3))
      rows[[length(rows) + 1]] <- data.frame(stratum = paste0("S", h), psu = i, ssu = j,
                                             hh = k, N1 = N1[h], N2 = N2, N3 = N3,
                                             wt = N1[h] / n1[h] * N2 / n2 * N3 / n3)
  }
}
syn3 <- do.call(rbind, rows)
m <- nrow(syn3)
syn3$income <- round(rlnorm(m, 6 + 0.2 * as.integer(factor(syn3$stratum)), 0.5), 2)
syn3$hhsize <- sample(1:7, m, replace = TRUE)
syn3$area <- factor(ifelse(syn3$stratum == "S1", "urban",
                           sample(c("urban", "rural"), m, replace = TRUE, prob = c(.4, .6))))
syn3$tenure <- factor(sample(c("own", "rent", "other"), m, replace = TRUE, prob = c(.5, .4, .1)))
# the same fpcs as sampling fractions n/N per stage
syn3$n1 <- ave(syn3$psu, syn3$stratum, FUN = function(v) length(unique(v)))
syn3$n2 <- ave(syn3$ssu, syn3$stratum, syn3$psu, FUN = function(v) length(unique(v)))
syn3$n3 <- ave(syn3$hh, syn3$stratum, syn3$psu, syn3$ssu, FUN = length)
syn3$f1 <- syn3$n1 / syn3$N1; syn3$f2 <- syn3$n2 / syn3$N2; syn3$f3 <- syn3$n3 / syn3$N3
syn3$N1c <- ifelse(syn3$stratum == "S1", syn3$n1, syn3$N1)   # S1 fully sampled (certainty)
syn3$income_na <- ifelse(syn3$hh == 2 & syn3$ssu == 1, NA, syn3$income)  # deterministic NAs
syn3$tenure_na <- factor(ifelse(syn3$hh == 3, NA, as.character(syn3$tenure)))
wcsv(syn3, "syn3.csv")

# synstrat: stratified one-stage cluster sample (5 strata, 4-6 PSUs each, 6-12 people per
# PSU), weights given, fpc = number of PSUs in the stratum. region R3 is absent from S1 and
# S2; 'rare' is a rare 0/1 outcome; 'score' has ties (one decimal).
nh <- c(4, 5, 4, 6, 5); Nh <- c(40, 60, 35, 80, 50)
rows <- list()
for (h in 1:5) for (i in seq_len(nh[h])) {
  mi <- sample(6:12, 1); Mi <- sample(30:80, 1)
  rows[[length(rows) + 1]] <- data.frame(stratum = paste0("S", h), psu = i, N1 = Nh[h],
                                         w = Nh[h] / nh[h] * Mi / mi, member = seq_len(mi))
}
syn <- do.call(rbind, rows)
m <- nrow(syn)
syn$rowid <- seq_len(m)
syn$score <- round(rnorm(m, 60 + 3 * as.integer(factor(syn$stratum)), 12), 1)
syn$hours <- round(runif(m, 10, 50), 1)
syn$sex <- factor(sample(c("F", "M"), m, replace = TRUE))
syn$region <- factor(ifelse(syn$stratum %in% c("S1", "S2"),
                            sample(c("R1", "R2"), m, replace = TRUE),
                            sample(c("R1", "R2", "R3"), m, replace = TRUE)))
syn$rare <- as.integer(runif(m) < 0.02)
syn$rare[syn$sex == "F"][1:2] <- 1L            # at least two cases among women
syn$psuid <- paste0(syn$stratum, "-", syn$psu)  # unique PSU id (for the unstratified JK1)
# made-up unequal PSU inclusion probabilities for a stratified Brewer design
syn$pi1 <- with(syn, ave(psu, stratum, FUN = length) * 0 + 1) *
  (c(4, 5, 4, 6, 5) / c(40, 60, 35, 80, 50))[as.integer(factor(syn$stratum))] *
  c(0.6, 1, 1.5)[syn$psu %% 3 + 1]
wcsv(syn, "synstrat.csv")

# synlone: 4 strata with 3/2/3/1 PSUs (S4 is a design-level lonely PSU); group B is absent
# from T1 and, in T2, present in one PSU only (a lonely PSU that exists only in the domain).
spec <- data.frame(stratum = c("T1", "T1", "T1", "T2", "T2", "T3", "T3", "T3", "T4"),
                   psu = c(1, 2, 3, 1, 2, 1, 2, 3, 1), N1 = c(10, 10, 10, 8, 8, 12, 12, 12, 5))
rows <- list()
for (r in seq_len(nrow(spec))) {
  mi <- sample(4:7, 1)
  grp <- if (spec$stratum[r] == "T1") rep("A", mi) else
    if (spec$stratum[r] == "T2" && spec$psu[r] == 2) rep("A", mi) else
      sample(c("A", "B"), mi, replace = TRUE)
  if (spec$stratum[r] == "T2" && spec$psu[r] == 1) grp[1:2] <- "B"
  if (spec$stratum[r] != "T1" && !(spec$stratum[r] == "T2" && spec$psu[r] == 2)) grp[1] <- "B"
  rows[[r]] <- data.frame(spec[rep(r, mi), ], grp = grp, w = round(runif(mi, 5, 20), 2))
}
lone <- do.call(rbind, rows); rownames(lone) <- NULL
lone$y <- round(rnorm(nrow(lone), 20, 5), 2)
lone$grp <- factor(lone$grp)
wcsv(lone, "synlone.csv")

# election PPS sample and its joint inclusion probabilities
el <- election_pps[, c("County", "TotPrecincts", "Bush", "Kerry", "Nader", "votes", "p", "wt")]
wcsv(el, "election_pps.csv")
jp <- as.data.frame(election_jointprob); names(jp) <- paste0("c", seq_len(ncol(jp)))
wcsv(jp, "election_jointprob.csv")
# Hartley-Rao with the population sum of squared inclusion probabilities / n (R HR(psum))
pi_pop <- 40 * election$votes / sum(election$votes, na.rm = TRUE)
hr_psum <- sum(pi_pop^2, na.rm = TRUE) / 40
wcsv(data.frame(psum = hr_psum), "election_hr_psum.csv")

# ---------------------------------------------------------------- designs
dmu <- svydesign(id = ~id1 + id2, fpc = ~n1 + n2, data = mu)
dsyn3 <- svydesign(id = ~psu + ssu + hh, strata = ~stratum, fpc = ~N1 + N2 + N3, nest = TRUE,
                   data = syn3)
dsyn3wr <- svydesign(id = ~psu + ssu + hh, strata = ~stratum, nest = TRUE,
                     weights = ~wt, data = syn3)
dsyn3f <- svydesign(id = ~psu + ssu + hh, strata = ~stratum, fpc = ~f1 + f2 + f3, nest = TRUE,
                    data = syn3)
dsynbrewer <- svydesign(id = ~psu, strata = ~stratum, fpc = ~pi1, nest = TRUE, pps = "brewer",
                        data = syn)
dsyn <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, fpc = ~N1, nest = TRUE, data = syn)
dbrewer <- svydesign(id = ~1, fpc = ~p, data = el, pps = "brewer")
dhr <- svydesign(id = ~1, fpc = ~p, data = el, pps = HR())
dhr2 <- svydesign(id = ~1, fpc = ~p, data = el, pps = HR(hr_psum))
doverton <- svydesign(id = ~1, fpc = ~p, data = el, pps = "overton")
dppsht <- svydesign(id = ~1, fpc = ~p, data = el, pps = ppsmat(election_jointprob))
dppsyg <- svydesign(id = ~1, fpc = ~p, data = el, pps = ppsmat(election_jointprob),
                    variance = "YG")
dlone <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, fpc = ~N1, nest = TRUE,
                   data = lone)

# replicate designs
rsyn_jkn <- as.svrepdesign(dsyn, type = "JKn")              # keeps fpc in rscales
rw <- weights(rsyn_jkn, "analysis")
jkn_repw <- data.frame(rowid = syn$rowid, rw)
names(jkn_repw) <- c("rowid", paste0("r", seq_len(ncol(rw))))
wcsv(jkn_repw, "synstrat_jkn_repw.csv")
wcsv(data.frame(rscales = rsyn_jkn$rscales), "synstrat_jkn_rscales.csv")
jkn_scale <- rsyn_jkn$scale
ujkn <- svrepdesign(data = syn, repweights = rw, type = "JKn", weights = ~w, scale = jkn_scale,
                    rscales = rsyn_jkn$rscales, combined.weights = TRUE)
ujkn_mse <- svrepdesign(data = syn, repweights = rw, type = "JKn", weights = ~w, scale = jkn_scale,
                        rscales = rsyn_jkn$rscales, combined.weights = TRUE, mse = TRUE)
rjk1 <- as.svrepdesign(svydesign(id = ~psuid, weights = ~w, data = syn), type = "JK1")
rw1 <- weights(rjk1, "analysis")
jk1_repw <- data.frame(rowid = syn$rowid, rw1)
names(jk1_repw) <- c("rowid", paste0("r", seq_len(ncol(rw1))))
wcsv(jk1_repw, "synstrat_jk1_repw.csv")
ujk1 <- svrepdesign(data = syn, repweights = rw1, type = "JK1", weights = ~w,
                    combined.weights = TRUE)
ujk1_mse <- svrepdesign(data = syn, repweights = rw1, type = "JK1", weights = ~w,
                        combined.weights = TRUE, mse = TRUE)
# Fay: 0/2 half-sample factors per PSU (10 replicates, seeded), rho = 0.3
psus <- unique(syn[, c("stratum", "psu")])
fac <- matrix(2 * rbinom(nrow(psus) * 10, 1, 0.5), nrow(psus))
fay_f <- data.frame(psus, fac); names(fay_f) <- c("stratum", "psu", paste0("f", 1:10))
wcsv(fay_f, "synstrat_fay_factors.csv")
idx <- match(paste(syn$stratum, syn$psu), paste(psus$stratum, psus$psu))
rho <- 0.3
ufay <- svrepdesign(data = syn, repweights = (rho + (1 - rho) * fac[idx, ]) * syn$w, type = "Fay",
                    rho = rho, weights = ~w, combined.weights = TRUE)

# calibration on the stratified api sample
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
wcsv(apistrat[, c("cds", "stype", "pw", "fpc", "api00", "api99", "enroll", "sch.wide",
                  "awards", "comp.imp", "ell", "meals")], "apistrat.csv")
pop2 <- xtabs(~stype + sch.wide, apipop)
wcsv(as.data.frame(pop2), "pop_stype_schwide.csv")
dps2 <- postStratify(dstrat, ~stype + sch.wide, pop2)
pop_stype <- xtabs(~stype, apipop); pop_sw <- xtabs(~sch.wide, apipop)
pop_aw <- xtabs(~awards, apipop)
drake3 <- rake(dstrat, list(~stype, ~sch.wide, ~awards), list(pop_stype, pop_sw, pop_aw),
               control = list(maxit = 100, epsilon = 1e-13))
cal_tot <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122,
             awardsYes = 4167, api99 = sum(apipop$api99))
dcal_logit <- calibrate(dstrat, ~stype + sch.wide + awards + api99, cal_tot, calfun = "logit",
                        bounds = c(0.5, 2), maxit = 200, epsilon = 1e-10)
dcal_linb <- calibrate(dstrat, ~stype + sch.wide + awards + api99, cal_tot, calfun = "linear",
                       bounds = c(0.8, 1.1), maxit = 200, epsilon = 1e-10)  # both bounds bind
dcal_lin <- calibrate(dstrat, ~stype + sch.wide + awards + api99, cal_tot)

cat("JKn scale", jkn_scale, "\n")
stopifnot(isTRUE(all.equal(weights(dsyn3), syn3$wt, check.attributes = FALSE)))
# ---------------------------------------------------------------- results
out <- list()
f17 <- function(x) ifelse(is.na(x), "NA", ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"),
                                                   sprintf("%.17g", x)))
add <- function(case, design, code, ci_df = Inf, dg = NULL) {
  res <- eval(parse(text = code))
  est <- coef(res)
  se <- if (inherits(res, "svyciprop")) sqrt(diag(as.matrix(vcov(res)))) else SE(res)
  ci <- if (is.finite(ci_df) && !inherits(res, c("svyciprop", "newsvyquantile")))
    confint(res, df = ci_df) else confint(res)
  ci <- matrix(ci, ncol = 2)
  dfx <- if (grepl("deff=", code)) deff(res) else NULL
  dfx <- if (is.null(dfx)) rep(NA, length(est)) else as.vector(as.matrix(dfx))
  if (is.null(dg)) dg <- degf(get(design))
  out[[length(out) + 1]] <<- data.frame(
    case = case, term = names(est), design = design, estimate = f17(unname(est)),
    se = f17(as.vector(as.matrix(se))), ci_low = f17(ci[, 1]), ci_high = f17(ci[, 2]),
    ci_df = f17(ci_df),
    degf = dg, deff = f17(dfx), r_code = code)
}

# multistage with fpc at every stage
add("mu284.total.y1", "dmu", "svytotal(~y1, dmu, deff=TRUE)")
add("mu284.mean.y1", "dmu", "svymean(~y1, dmu, deff=TRUE)")
add("mu284.by.mean.y1", "dmu", "svyby(~y1, ~half, dmu, svymean, deff=TRUE)")
add("mu284.by.total.y1", "dmu", "svyby(~y1, ~half, dmu, svytotal, deff=TRUE)")
add("syn3.mean.income", "dsyn3", "svymean(~income, dsyn3, deff=TRUE)")
add("syn3.total.income", "dsyn3", "svytotal(~income, dsyn3, deff=TRUE)")
add("syn3.mean.tenure", "dsyn3", "svymean(~tenure, dsyn3, deff=TRUE)")
add("syn3.total.hhsize", "dsyn3", "svytotal(~hhsize, dsyn3, deff=TRUE)")
add("syn3.by.mean.income", "dsyn3", "svyby(~income, ~area, dsyn3, svymean, deff=TRUE)")
add("syn3.by.total.hhsize", "dsyn3", "svyby(~hhsize, ~area, dsyn3, svytotal, deff=TRUE)")
add("syn3.by.mean.tenure", "dsyn3", "svyby(~tenure, ~area, dsyn3, svymean)")
add("syn3.ratio.income.hhsize", "dsyn3", "svyratio(~income, ~hhsize, dsyn3)")
add("syn3wr.mean.income", "dsyn3wr", "svymean(~income, dsyn3wr, deff=TRUE)")
add("syn3wr.by.total.income", "dsyn3wr", "svyby(~income, ~area, dsyn3wr, svytotal)")

# PPS without replacement
for (d in c("dbrewer", "dhr", "dhr2", "doverton", "dppsht", "dppsyg")) {
  add(paste0(d, ".total.Bush"), d, sprintf("svytotal(~Bush+Kerry, %s)", d))
  add(paste0(d, ".mean.Kerry"), d, sprintf("svymean(~Kerry, %s)", d))
  add(paste0(d, ".ratio.Kerry.votes"), d, sprintf("svyratio(~Kerry, ~votes, %s)", d))
}

# domains: R3 absent from two strata; t interval with the domain's df
sub_r3 <- subset(dsyn, region == "R3")
add("syn.domain.mean.score.R3", "dsyn", "svymean(~score, subset(dsyn, region=='R3'))",
    ci_df = degf(sub_r3))
add("syn.domain.total.score.R3", "dsyn", "svytotal(~score, subset(dsyn, region=='R3'))",
    ci_df = degf(sub_r3))
add("syn.by.mean.score", "dsyn", "svyby(~score, ~region, dsyn, svymean, deff=TRUE)")
add("syn.by.ratio.score.hours", "dsyn",
    "svyby(~score, ~region, dsyn, svyratio, denominator=~hours)")
add("syn.ratio.score.hours", "dsyn", "svyratio(~score, ~hours, dsyn)")

# lonely PSUs: one at design level (T4), one only inside domain B (T2)
for (rule in c("adjust", "certainty", "average", "remove")) {
  options(survey.lonely.psu = rule)
  add(paste0("lone.", rule, ".mean.y"), "dlone", "svymean(~y, dlone)")
  add(paste0("lone.", rule, ".total.y"), "dlone", "svytotal(~y, dlone)")
  add(paste0("lone.", rule, ".by.mean.y"), "dlone", "svyby(~y, ~grp, dlone, svymean)")
  add(paste0("lone.", rule, ".by.total.y"), "dlone", "svyby(~y, ~grp, dlone, svytotal)")
  add(paste0("lone.", rule, ".domain.mean.y.B"), "dlone",
      "svymean(~y, subset(dlone, grp=='B'))", ci_df = degf(subset(dlone, grp == "B")))
}
options(survey.lonely.psu = "fail")

# svyciprop on a rare domain proportion (women)
sub_f <- subset(dsyn, sex == "F")
for (meth in c("logit", "likelihood", "beta", "asin", "mean", "xlogit")) {
  add(paste0("syn.ciprop.", meth, ".rare.F"), "dsyn",
      sprintf("svyciprop(~I(rare==1), subset(dsyn, sex=='F'), method='%s')", meth),
      ci_df = degf(sub_f), dg = degf(dsyn))
}

# a domain absent from two strata: Korn-Graubard and logit use the subset's degf and rows
for (meth in c("beta", "logit", "asin"))
  add(paste0("syn.ciprop.", meth, ".female.R3"), "dsyn",
      sprintf("svyciprop(~I(sex=='F'), subset(dsyn, region=='R3'), method='%s')", meth),
      ci_df = degf(sub_r3), dg = degf(dsyn))

# quantiles on the stratified cluster design
for (rule in c("math", "school", "hf7")) {
  add(paste0("syn.quantile.", rule, ".score"), "dsyn",
      sprintf("svyquantile(~score, dsyn, c(0.1, 0.5, 0.9), qrule='%s')", rule),
      ci_df = degf(dsyn))
}
add("syn3.quantile.math.income", "dsyn3", "svyquantile(~income, dsyn3, c(0.25, 0.75))",
    ci_df = degf(dsyn3))

# replicate designs
add("rsyn_jkn.mean.score", "rsyn_jkn", "svymean(~score, rsyn_jkn)")
add("rsyn_jkn.total.score", "rsyn_jkn", "svytotal(~score, rsyn_jkn)")
add("rsyn_jkn.mean.sex", "rsyn_jkn", "svymean(~sex, rsyn_jkn)")
add("rsyn_jkn.ratio.score.hours", "rsyn_jkn", "svyratio(~score, ~hours, rsyn_jkn)")
add("rsyn_jkn.by.mean.score", "rsyn_jkn", "svyby(~score, ~region, rsyn_jkn, svymean)")
add("ujkn.mean.score", "ujkn", "svymean(~score, ujkn)")
add("ujkn.by.total.score", "ujkn", "svyby(~score, ~region, ujkn, svytotal)")
add("ujkn_mse.mean.score", "ujkn_mse", "svymean(~score, ujkn_mse)")
add("ujk1.mean.score", "ujk1", "svymean(~score, ujk1)")
add("ujk1.by.mean.sex", "ujk1", "svyby(~sex, ~region, ujk1, svymean)")
add("ujk1_mse.total.score", "ujk1_mse", "svytotal(~score, ujk1_mse)")
add("ufay.mean.score", "ufay", "svymean(~score, ufay)")
add("ufay.total.hours", "ufay", "svytotal(~hours, ufay)")
add("ufay.by.mean.score", "ufay", "svyby(~score, ~sex, ufay, svymean)")

# calibration on a stratified design
for (d in c("dps2", "drake3", "dcal_logit", "dcal_linb", "dcal_lin")) {
  add(paste0(d, ".mean.api00"), d, sprintf("svymean(~api00, %s)", d))
  add(paste0(d, ".total.enroll"), d, sprintf("svytotal(~enroll, %s)", d))
  add(paste0(d, ".mean.comp.imp"), d, sprintf("svymean(~comp.imp, %s)", d))
}
add("dps2.by.mean.ell", "dps2", "svyby(~ell, ~stype, dps2, svymean)")
add("dps2.quantile.api00", "dps2", "svyquantile(~api00, dps2, c(0.25, 0.5))", ci_df = degf(dps2))
add("dcal_lin.ratio.api00.api99", "dcal_lin", "svyratio(~api00, ~api99, dcal_lin)")
add("dcal_lin.ciprop.logit.comp.imp", "dcal_lin",
    "svyciprop(~I(comp.imp=='Yes'), dcal_lin, method='logit')", ci_df = degf(dcal_lin))
add("drake3.by.mean.ell", "drake3", "svyby(~ell, ~awards, drake3, svymean)")

# more: two-way domains, categorical totals, na.rm, deff='replace', svyvar, domain
# quantiles, replicate quantiles and svyciprop on a replicate design
add("syn3.by2.mean.income", "dsyn3", "svyby(~income, ~area+tenure, dsyn3, svymean)")
add("syn3.total.tenure", "dsyn3", "svytotal(~tenure, dsyn3, deff=TRUE)")
add("syn3.mean.income_na", "dsyn3", "svymean(~income_na, dsyn3, na.rm=TRUE, deff=TRUE)")
add("syn3.by.mean.income_na", "dsyn3", "svyby(~income_na, ~area, dsyn3, svymean, na.rm=TRUE)")
add("syn.mean.score.replace", "dsyn", "svymean(~score, dsyn, deff='replace')")
add("syn.total.hours.replace", "dsyn", "svytotal(~hours, dsyn, deff='replace')")
add("syn.var.score", "dsyn", "svyvar(~score, dsyn)")
add("syn3.var.income", "dsyn3", "svyvar(~income, dsyn3)")
add("rsyn_jkn.quantile.score", "rsyn_jkn", "svyquantile(~score, rsyn_jkn, c(0.25, 0.5))",
    ci_df = degf(rsyn_jkn))
add("rsyn_jkn.ciprop.logit.rare", "rsyn_jkn",
    "svyciprop(~I(rare==1), rsyn_jkn, method='logit')", ci_df = degf(rsyn_jkn))
for (meth in c("beta", "xlogit", "asin", "mean"))   # likelihood: R gives NA here
  add(paste0("rsyn_jkn.ciprop.", meth, ".rare"), "rsyn_jkn",
      sprintf("svyciprop(~I(rare==1), rsyn_jkn, method='%s')", meth), ci_df = degf(rsyn_jkn))
add("dppsht.by.total.Kerry", "dppsht", "svyby(~Kerry, ~I(p > 0.1), dppsht, svytotal)")

add("syn3f.mean.income", "dsyn3f", "svymean(~income, dsyn3f, deff=TRUE)")
add("syn3f.by.total.income", "dsyn3f", "svyby(~income, ~area, dsyn3f, svytotal)")
add("synbrewer.total.score", "dsynbrewer", "svytotal(~score, dsynbrewer)")
add("synbrewer.by.mean.score", "dsynbrewer", "svyby(~score, ~region, dsynbrewer, svymean)")
# certainty stratum at stage 1 (its stage-2/3 variance counts in full)
dsyn3c <- svydesign(id = ~psu + ssu + hh, strata = ~stratum, fpc = ~N1c + N2 + N3, nest = TRUE,
                    data = syn3)
add("syn3c.mean.income", "dsyn3c", "svymean(~income, dsyn3c)")
add("syn3c.total.hhsize", "dsyn3c", "svytotal(~hhsize, dsyn3c)")
add("syn3c.by.mean.income", "dsyn3c", "svyby(~income, ~area, dsyn3c, svymean)")
# lonely SSU: PSU 1 of S2 keeps a single SSU (a lonely unit at stage 2)
syn3l <- syn3[!(syn3$stratum == "S2" & syn3$psu == 1 & syn3$ssu > 1), ]
dsyn3l <- svydesign(id = ~psu + ssu + hh, strata = ~stratum, fpc = ~N1 + N2 + N3, nest = TRUE,
                    data = syn3l)
for (rule in c("adjust", "certainty", "average", "remove")) {
  options(survey.lonely.psu = rule)
  add(paste0("syn3l.", rule, ".mean.income"), "dsyn3l", "svymean(~income, dsyn3l)")
  add(paste0("syn3l.", rule, ".total.income"), "dsyn3l", "svytotal(~income, dsyn3l)")
}
options(survey.lonely.psu = "fail")
# complete cases across several variables with na.rm
add("syn3.mean.income_na.hhsize", "dsyn3", "svymean(~income_na+hhsize, dsyn3, na.rm=TRUE)")
# quantiles of a variable with many ties (hhsize 1..7): the rules differ
for (rule in c("math", "school", "hf7"))
  add(paste0("syn3.quantile.", rule, ".hhsize"), "dsyn3",
      sprintf("svyquantile(~hhsize, dsyn3, c(0.25, 0.5, 0.75), qrule='%s')", rule),
      ci_df = degf(dsyn3))
# JK1 from a two-stage design with fpc (first-stage fpc kept in the scale)
rmu <- as.svrepdesign(dmu, type = "JK1")
add("rmu.total.y1", "rmu", "svytotal(~y1, rmu)")
add("rmu.by.mean.y1", "rmu", "svyby(~y1, ~half, rmu, svymean)")
# multistage Brewer (fpc = inclusion probabilities per stage), probs= design, domain
# variances and categorical totals by domain
dsyn3b <- svydesign(id = ~psu + ssu + hh, strata = ~stratum, fpc = ~f1 + f2 + f3, nest = TRUE,
                    pps = "brewer", data = syn3)
add("syn3b.total.income", "dsyn3b", "svytotal(~income, dsyn3b)")
add("syn3b.by.mean.income", "dsyn3b", "svyby(~income, ~area, dsyn3b, svymean)")
# stratified element PPS (R's matrix-based PPS needs element sampling and numeric strata)
syn_h <- transform(syn, h = as.integer(factor(stratum)))
dsynoverton <- svydesign(id = ~1, strata = ~h, fpc = ~pi1, pps = "overton", data = syn_h)
dsynhr <- svydesign(id = ~1, strata = ~h, fpc = ~pi1, pps = HR(), data = syn_h)
add("synoverton.total.score", "dsynoverton", "svytotal(~score, dsynoverton)")
add("synoverton.by.mean.score", "dsynoverton", "svyby(~score, ~region, dsynoverton, svymean)")
add("synhr.total.score", "dsynhr", "svytotal(~score, dsynhr)")
add("synhr.mean.score", "dsynhr", "svymean(~score, dsynhr)")
dsynprobs <- svydesign(id = ~psu, strata = ~stratum, probs = ~pi1, nest = TRUE, data = syn)
add("synprobs.mean.score", "dsynprobs", "svymean(~score, dsynprobs, deff=TRUE)")
add("syn.by.var.score", "dsyn", "svyby(~score, ~region, dsyn, svyvar)")
add("syn.by.total.sex", "dsyn", "svyby(~sex, ~region, dsyn, svytotal)")
# Woodruff intervals on other scales
for (it in c("beta", "xlogit", "asin"))
  add(paste0("syn.quantile.", it, ".score"), "dsyn",
      sprintf("svyquantile(~score, dsyn, c(0.1, 0.5), interval.type='%s')", it),
      ci_df = degf(dsyn))
add("rsyn_jkn.by.ratio.score.hours", "rsyn_jkn",
    "svyby(~score, ~region, rsyn_jkn, svyratio, denominator=~hours)")
# BRR / Fay from a design with 2 PSUs per stratum: totals are linear, so any balanced
# (full orthogonal) matrix gives R's SE exactly
syn2 <- syn[syn$psu <= 2, ]
dsyn2 <- svydesign(id = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = syn2)
rsyn2_brr <- as.svrepdesign(dsyn2, type = "BRR")
rsyn2_fay <- as.svrepdesign(dsyn2, type = "Fay", fay.rho = 0.4)
add("rsyn2_brr.total.score", "rsyn2_brr", "svytotal(~score+hours, rsyn2_brr)")
add("rsyn2_fay.total.score", "rsyn2_fay", "svytotal(~score+hours, rsyn2_fay)")
# deff on replicate, calibrated and PPS designs; missing values in a factor and in by=
add("rsyn_jkn.mean.score.deff", "rsyn_jkn", "svymean(~score, rsyn_jkn, deff=TRUE)")
add("dcal_lin.mean.api00.deff", "dcal_lin", "svymean(~api00, dcal_lin, deff=TRUE)")
add("dbrewer.total.Kerry.deff", "dbrewer", "svytotal(~Kerry, dbrewer, deff=TRUE)")
add("syn3.mean.tenure_na", "dsyn3", "svymean(~tenure_na, dsyn3, na.rm=TRUE)")
add("syn3.by.tenure_na.mean.income", "dsyn3", "svyby(~income, ~tenure_na, dsyn3, svymean)")
add("syn.by.quantile.score", "dsyn",
    "svyby(~score, ~region, dsyn, svyquantile, quantiles=0.5, ci=TRUE, keep.var=TRUE)")

# calibration of the stratified cluster design and of replicate designs to made-up
# population totals (synstrat_pop.csv)
pop_sex <- data.frame(sex = c("F", "M"), Freq = round(coef(svytotal(~sex, dsyn)) * c(1.1, 0.95)))
pop_reg <- data.frame(region = c("R1", "R2", "R3"),
                      Freq = round(coef(svytotal(~region, dsyn)) * c(0.97, 1.05, 1.02)))
pop_reg$Freq[3] <- sum(pop_sex$Freq) - sum(pop_reg$Freq[1:2])    # margins share the total
hours_total <- round(coef(svytotal(~hours, dsyn)) * 1.03)
wcsv(rbind(data.frame(variable = "sex", category = pop_sex$sex, total = pop_sex$Freq),
           data.frame(variable = "region", category = pop_reg$region, total = pop_reg$Freq),
           data.frame(variable = "hours", category = "", total = hours_total)),
     "synstrat_pop.csv")
rsyn_ps <- postStratify(rsyn_jkn, ~sex, pop_sex)
ujk1_rake <- rake(ujk1, list(~sex, ~region), list(pop_sex, pop_reg),
                  control = list(maxit = 100, epsilon = 1e-13))
dsyn_cal <- calibrate(dsyn, ~sex + hours, c(`(Intercept)` = sum(pop_sex$Freq),
                                            sexM = pop_sex$Freq[2], hours = hours_total))
rsyn_cal <- calibrate(rsyn_jkn, ~sex + hours, c(`(Intercept)` = sum(pop_sex$Freq),
                                                sexM = pop_sex$Freq[2], hours = hours_total))
for (d in c("rsyn_ps", "ujk1_rake", "dsyn_cal", "rsyn_cal")) {
  add(paste0(d, ".mean.score"), d, sprintf("svymean(~score, %s)", d))
  add(paste0(d, ".by.mean.score"), d, sprintf("svyby(~score, ~region, %s, svymean)", d))
}

res <- do.call(rbind, out)
write.csv(res, "expected.csv", row.names = FALSE, quote = c(1, 2, 3, 11))
cat(nrow(res), "rows\n")
g <- weights(dcal_linb) / weights(dstrat); cat("linear-bounded g range", range(g), "\n")
g <- weights(dcal_lin) / weights(dstrat); cat("linear g range", range(g), "\n")
g <- weights(dcal_logit) / weights(dstrat); cat("logit g range", range(g), "\n")
