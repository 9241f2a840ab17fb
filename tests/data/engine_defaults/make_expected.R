# Reference values for tests/test_engine_defaults.py, computed by R survey 4.1-1 (R 4.2.2).
# Run from this directory:  Rscript make_expected.R
# Writes strat2.csv (the data), expected.csv (term, estimate, se, ci_low, ci_high, ci_df)
# and trim_weights.csv / svytable.csv. Kept for provenance: the tests do not need R.
# Cases: df when an analysis variable has missing values (R: df from the design, not from
# the rows with the variable present); Fay replicate weights built the way R users build
# them; trimWeights(strict = TRUE); options(survey.adjust.domain.lonely = TRUE); svytable.
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")

wcsv <- function(df, file) {
  for (j in seq_along(df)) {
    v <- df[[j]]
    if (is.double(v)) df[[j]] <- ifelse(is.na(v), NA, sprintf("%.17g", v))
  }
  write.csv(df, file, row.names = FALSE, na = "")
}

set.seed(20261204)
# 12 strata x 4 PSUs (stratum S12 has 2), 5-7 households per PSU; PSU ids unique overall
rows <- list(); pid <- 0
for (h in 1:12) for (i in seq_len(if (h == 12) 2 else 4)) {
  pid <- pid + 1
  m <- sample(5:7, 1)
  rows[[length(rows) + 1]] <- data.frame(stratum = sprintf("S%02d", h), psu = pid,
                                         hh = seq_len(m))
}
d0 <- do.call(rbind, rows)
n <- nrow(d0)
d0$w <- round(runif(n, 20, 180), 2)
d0$y <- round(rnorm(n, 50 + as.integer(factor(d0$stratum)), 12), 1)
d0$yes <- rbinom(n, 1, 0.3)
# the analysis variables are missing for every household of PSUs 2 and 7 (R df stays 41)
d0$y[d0$psu %in% c(2, 7)] <- NA
d0$yes[d0$psu %in% c(2, 7)] <- NA
d0$sex <- sample(c("F", "M"), n, replace = TRUE)
d0$region <- sample(c("east", "north", "west"), n, replace = TRUE)
# domain "B" lives in one PSU of strata S01-S03 only and in every PSU elsewhere
d0$grp <- ifelse(d0$stratum %in% c("S01", "S02", "S03"),
                 ifelse(d0$psu %% 4 == 1, "B", "A"), sample(c("A", "B"), n, TRUE))
# Fay replicate weights as a data producer ships them: 0/2 half-samples turned into
# rho / 2 - rho factors, times the weight (combined weights), rho = 0.3
H <- hadamard(12)[, 1:16]
st <- as.integer(factor(d0$stratum))
first <- ave(d0$psu, d0$stratum, FUN = function(v) as.integer(v == min(v)))
sgn <- H[(st - 1) %% nrow(H) + 1, ]
half <- (first == 1) * (sgn > 0) + (first == 0) * (sgn < 0)
rho <- 0.3
fay <- (half * (2 - rho) + (1 - half) * rho) * d0$w
colnames(fay) <- paste0("fay", 1:16)
d0 <- cbind(d0, fay)
wcsv(d0, "strat2.csv")
d0 <- read.csv("strat2.csv")

d <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d0)
res <- list()
add <- function(term, est, se, lo, hi, df) {
  res[[length(res) + 1]] <<- data.frame(term = term, estimate = as.numeric(est), se = as.numeric(se), ci_low = as.numeric(lo),
                                        ci_high = as.numeric(hi), ci_df = as.numeric(df))
}
# ---- df: from the design, not the rows where y is present
m <- svymean(~y, d, na.rm = TRUE)
ci <- confint(m, df = degf(d))
add("df.mean.y", coef(m), SE(m), ci[1], ci[2], degf(d))
p <- svyciprop(~I(yes == 1), d, method = "logit", na.rm = TRUE)
add("df.logit.yes", coef(p), SE(p), attr(p, "ci")[1], attr(p, "ci")[2], degf(d))
for (g in c("A", "B")) {
  dg <- subset(d, grp == g)
  p <- svyciprop(~I(yes == 1), dg, method = "logit", na.rm = TRUE)
  add(paste0("df.logit.yes.grp", g), coef(p), SE(p), attr(p, "ci")[1], attr(p, "ci")[2],
      degf(dg))
  m <- svymean(~y, dg, na.rm = TRUE)
  ci <- confint(m, df = degf(dg))
  add(paste0("df.mean.y.grp", g), coef(m), SE(m), ci[1], ci[2], degf(dg))
}
# ---- Fay replicate weights, R's svrepdesign(type = "Fay", rho = )
rf <- svrepdesign(data = d0, repweights = "fay[0-9]+", weights = ~w, type = "Fay", rho = rho)
for (v in c("y", "yes")) {
  m <- svymean(as.formula(paste0("~", v)), rf, na.rm = TRUE)
  add(paste0("fay.mean.", v), coef(m), SE(m), NA, NA, degf(rf))
  t <- svytotal(as.formula(paste0("~", v)), rf, na.rm = TRUE)
  add(paste0("fay.total.", v), coef(t), SE(t), NA, NA, degf(rf))
}
# ---- trimWeights(strict = TRUE)
dt <- trimWeights(d, upper = 150, lower = 35, strict = TRUE)
wcsv(data.frame(w = weights(dt)), "trim_weights.csv")
m <- svymean(~y, dt, na.rm = TRUE)
add("trim.mean.y", coef(m), SE(m), NA, NA, degf(dt))
# ---- options(survey.adjust.domain.lonely = TRUE)
for (rule in c("adjust", "average", "remove")) {
  for (opt in c(FALSE, TRUE)) {
    options(survey.lonely.psu = rule, survey.adjust.domain.lonely = opt)
    b <- suppressWarnings(svyby(~y, ~grp, d, svymean, na.rm = TRUE))
    for (g in c("A", "B"))
      add(sprintf("lonely.%s.%s.%s", rule, opt, g), b[g, "y"], SE(b)[g == b$grp], NA, NA, NA)
  }
}
options(survey.lonely.psu = "adjust", survey.adjust.domain.lonely = FALSE)
write.csv(do.call(rbind, res), "expected.csv", row.names = FALSE)
# ---- svytable: weighted counts and proportions of a two-way table
tab <- svytable(~sex + region, d)
tw <- as.data.frame(tab)
tw$prop_all <- as.data.frame(prop.table(tab))$Freq
tw$prop_sex <- as.data.frame(prop.table(tab, 1))$Freq
tw$prop_region <- as.data.frame(prop.table(tab, 2))$Freq
t1 <- as.data.frame(svytable(~region, d, Ntotal = 1000))
wcsv(tw, "svytable.csv")
wcsv(t1, "svytable_ntotal.csv")
cat(degf(d), "\n")
