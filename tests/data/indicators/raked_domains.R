# R survey reference for tests/test_indicators_taylor.py (run in this folder: Rscript raked_domains.R).
# Data: 1,200 rows from numpy default_rng(11); level c of grp only in strata 0-1 (smaller domain df).
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust", digits = 15)
d <- read.csv("raked_domains.csv", stringsAsFactors = FALSE)
d$q[d$q == ""] <- NA
d$yes <- as.numeric(d$q == "yes")
des <- svydesign(ids = ~psu, strata = ~st, weights = ~w, data = d, nest = TRUE)
r <- rake(des, list(~sex, ~grp), list(data.frame(sex = c("f", "m"), Freq = c(2000, 1800)),
          data.frame(grp = c("a", "b", "c"), Freq = c(2300, 1100, 400))), control = list(epsilon = 1e-10, maxit = 100))
rows <- list()
for (nm in c("fixed", "raked")) {
  D <- if (nm == "fixed") des else r
  s <- subset(D, age >= 18 & !is.na(q))
  doms <- list(all = s, a = subset(s, grp == "a"), b = subset(s, grp == "b"), c = subset(s, grp == "c"))
  for (g in names(doms)) {
    x <- doms[[g]]
    m <- svymean(~yes, x, na.rm = TRUE)
    ci <- svyciprop(~yes, x, method = "logit")
    rows[[length(rows) + 1]] <- data.frame(variance = nm, level = g, estimate = coef(m)[[1]],
      se = SE(m)[[1]], ci_low = confint(ci)[1], ci_high = confint(ci)[2], df = degf(x))
  }
}
write.csv(do.call(rbind, rows), "raked_domains_r_expected.csv", row.names = FALSE)
