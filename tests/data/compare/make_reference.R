# Reference values for tests/test_compare_oracle.py, computed by R survey 4.1-1 (R 4.2.2).
# Run from this directory:  Rscript make_reference.R
# Reads the API and NHANES samples shipped in ../oracle/data and writes reference.csv:
# one row per scalar (case, key, value; doubles with 17 significant digits) and the R call
# that produced it. Kept for provenance: the tests do not need R.
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
dd <- "../oracle/data/"
rd <- function(f) read.csv(paste0(dd, f), stringsAsFactors = TRUE)
out <- list()
add <- function(case, key, value, call) {
  value <- as.numeric(value)
  out[[length(out) + 1]] <<- data.frame(case = case, key = key, value = sprintf("%.17g", value),
                                        r_code = call)
}
add_vec <- function(case, x, call) { nm <- names(x); if (is.null(nm)) nm <- as.character(seq_along(x)); for (i in seq_along(x)) add(case, nm[i], x[i], call) }
add_mat <- function(case, m, call) {
  for (i in seq_len(nrow(m))) for (j in seq_len(ncol(m)))
    add(case, paste0(rownames(m)[i], "|", colnames(m)[j]), m[i, j], call)
}
add_stat <- function(case, s, call) {   # svystat / svrepstat / contrast: estimate and SE
  add_vec(paste0(case, ".est"), coef(s), call)
  add_vec(paste0(case, ".se"), SE(s), call)
}

# ---------------------------------------------------------------- designs
apistrat <- rd("apistrat.csv"); apiclus1 <- rd("apiclus1.csv"); apiclus2 <- rd("apiclus2.csv")
apiclus2$yes <- as.numeric(apiclus2$sch.wide == "Yes")
apiclus1$yes <- as.numeric(apiclus1$sch.wide == "Yes")
apistrat$yes <- as.numeric(apistrat$sch.wide == "Yes")
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
pop_stype <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_sw <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
dclus1r <- rake(dclus1, list(~stype, ~sch.wide), list(pop_stype, pop_sw),
                control = list(epsilon = 1e-13, maxit = 100))
nh <- rd("nhanes.csv"); nh$PSU2 <- pmin(nh$SDMVPSU, 2)
fac <- rd("repfactors_nhanes_brr.csv")
key <- match(paste(nh$SDMVSTRA, nh$PSU2), paste(fac$stratum, fac$psu))
rnh <- svrepdesign(data = nh, weights = ~WTMEC2YR, repweights = as.matrix(fac[key, -(1:2)]),
                   type = "BRR", combined.weights = FALSE)

# ---------------------------------------------------------------- 1. covariances, contrasts
cov_case <- function(case, design, call, by_expr, lin, nl) {
  b <- eval(parse(text = call))
  add_mat(paste0(case, ".vcov"), vcov(b), call)
  add_vec(paste0(case, ".coef"), coef(b), call)
  # survey 4.1-1 fails on linear svycontrast of a svyby holding replicates: use the covmat
  blin <- eval(parse(text = sub(", return.replicates=TRUE", "", call, fixed = TRUE)))
  add_stat(paste0(case, ".lin"), svycontrast(blin, lin), paste0("svycontrast(", call, ", lin)"))
  if (!is.null(nl))
    add_stat(paste0(case, ".nl"), svycontrast(b, nl), paste0("svycontrast(", call, ", nl)"))
}
cov_case("dclus2.mean", dclus2, "svyby(~api00, ~stype, dclus2, svymean, covmat=TRUE)", NULL,
         list(EminusH = c(E = 1, H = -1), gapM = c(E = 0.5, H = 0.5, M = -1)),
         list(EoverM = quote(E / M)))
cov_case("dstrat.mean2", dstrat, "svyby(~api00+api99, ~sch.wide, dstrat, svymean, covmat=TRUE)",
         NULL, list(diff = c("Yes:api00" = 1, "No:api00" = -1, "Yes:api99" = -1, "No:api99" = 1)),
         list(growth = quote(`Yes:api00` / `Yes:api99`)))
cov_case("dstrat.total", dstrat, "svyby(~enroll, ~stype, dstrat, svytotal, covmat=TRUE)", NULL,
         list(EminusM = c(E = 1, M = -1)), list(share = quote(E / (E + H + M))))
cov_case("dclus2.prop", dclus2, "svyby(~sch.wide, ~stype, dclus2, svymean, covmat=TRUE)", NULL,
         list(gap = c("E:sch.wideYes" = 1, "M:sch.wideYes" = -1)),
         list(parity = quote(`M:sch.wideYes` / `E:sch.wideYes`)))
cov_case("dstrat.ratio", dstrat,
         "svyby(~api00, ~stype, denominator=~api99, dstrat, svyratio, covmat=TRUE)", NULL,
         list(EminusH = c(E = 1, H = -1)), NULL)
cov_case("rclus1.mean", rclus1,
         "svyby(~api00, ~stype, rclus1, svymean, covmat=TRUE, return.replicates=TRUE)", NULL,
         list(EminusH = c(E = 1, H = -1)), list(EoverM = quote(E / M)))
cov_case("rclus1.prop", rclus1,
         "svyby(~sch.wide, ~stype, rclus1, svymean, covmat=TRUE, return.replicates=TRUE)", NULL,
         list(gap = c("E:sch.wideYes" = 1, "H:sch.wideYes" = -1)), NULL)
# survey 4.1-1 labels the replicates of a factor's svyby in the wrong order (domain-major
# replicates named level-major), so a nonlinear contrast of factor levels is wrong there;
# the same parity from the 0/1 indicator of the level
cov_case("rclus1.yes", rclus1,
         "svyby(~yes, ~stype, rclus1, svymean, covmat=TRUE, return.replicates=TRUE)", NULL,
         list(gap = c(E = 1, H = -1)), list(parity = quote(H / E)))
cov_case("rnh.mean", rnh,
         "svyby(~HI_CHOL, ~RIAGENDR, rnh, svymean, na.rm=TRUE, covmat=TRUE, return.replicates=TRUE)",
         NULL, list(gap = c("1" = 1, "2" = -1)), list(parity = quote(`2` / `1`)))
# survey 4.1-1's svyby(covmat=TRUE) fails on raked designs ("number of items to replace"):
# the same covariances from svytotal of domain-indicator products and svycontrast (delta
# method on ratios of totals = the linearisation of domain means), named as svyby names them
cov_case_tot <- function(case, design, var, by, lin, nl, is_factor = FALSE) {
  d <- get(design); v <- d$variables
  exprs <- list(); cols <- c()
  for (dom in sort(unique(as.character(v[[by]])))) {
    inb <- as.numeric(as.character(v[[by]]) == dom)
    den <- paste0("i_", dom); d$variables[[den]] <- inb; cols <- c(cols, den)
    levs <- if (is_factor) sort(unique(as.character(v[[var]]))) else ""
    for (lev in levs) {
      num <- paste0("y_", dom, "_", lev)
      d$variables[[num]] <- if (is_factor) inb * (as.character(v[[var]]) == lev) else inb * v[[var]]
      cols <- c(cols, num)
      exprs[[if (is_factor) paste0(dom, ":", var, lev) else dom]] <-
        substitute(a / b, list(a = as.name(num), b = as.name(den)))
    }
  }
  t <- svytotal(as.formula(paste("~", paste(cols, collapse = "+"))), d)
  call <- paste0("svycontrast(svytotal(~domain products, ", design, "), ratios) # ", var, " by ", by)
  r <- svycontrast(t, exprs)
  add_mat(paste0(case, ".vcov"), vcov(r), call)
  add_vec(paste0(case, ".coef"), coef(r), call)
  add_stat(paste0(case, ".lin"), svycontrast(r, lin), paste0(call, " then lin"))
  add_stat(paste0(case, ".nl"), svycontrast(r, nl), paste0(call, " then nl"))
}
cov_case_tot("dclus1r.mean", "dclus1r", "api00", "stype", list(EminusH = c(E = 1, H = -1)),
             list(EoverM = quote(E / M)))
cov_case_tot("dclus1r.prop", "dclus1r", "comp.imp", "stype",
             list(gap = c("E:comp.impYes" = 1, "M:comp.impYes" = -1)),
             list(parity = quote(`M:comp.impYes` / `E:comp.impYes`)), is_factor = TRUE)
# the same route on the two-stage design, where svyby works: both must agree
cov_case_tot("dclus2.mean_tot", "dclus2", "api00", "stype", list(EminusH = c(E = 1, H = -1)),
             list(EoverM = quote(E / M)))
for (d in c("dclus2", "dstrat", "rclus1", "rnh", "dclus1r")) add(paste0(d, ".degf"), "degf",
                                                              degf(get(d)), "degf()")

# ---------------------------------------------------------------- 2. change between rounds
# independent rounds: a = stratified sample, b = two-stage cluster sample of the same schools
a <- svyby(~api00, ~stype, dstrat, svymean); b <- svyby(~api00, ~stype, dclus2, svymean)
ch <- coef(b) - coef(a); se <- setNames(sqrt(SE(a)^2 + SE(b)^2), names(ch)); df <- degf(dstrat) + degf(dclus2)
call <- "coef(b)-coef(a); sqrt(SE(a)^2+SE(b)^2); 2*pt(-|t|, degf(a)+degf(b))"
add_vec("change.indep.est", ch, call); add_vec("change.indep.se", se, call)
add_vec("change.indep.p", 2 * pt(-abs(ch / se), df), call)
# panel: round a = api99 of the two-stage sample, round b = api00 of the same schools in the
# districts that were revisited (every third district dropped): stacked design
pa <- apiclus2; pa$score <- pa$api99; pa$round <- "a"
pb <- apiclus2[!(apiclus2$dnum %in% unique(apiclus2$dnum)[c(TRUE, FALSE, FALSE)]), ]
pb$score <- pb$api00; pb$round <- "b"
stack <- rbind(pa, pb)
write.csv(stack[, c("dnum", "snum", "fpc1", "fpc2", "stype", "score", "round")],
          "panel_stack.csv", row.names = FALSE)
dpanel <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = stack)
pby <- svyby(~score, ~round + stype, dpanel, svymean, covmat = TRUE)
pc <- svycontrast(pby, list(E = c("b.E" = 1, "a.E" = -1), H = c("b.H" = 1, "a.H" = -1),
                            M = c("b.M" = 1, "a.M" = -1)))
add_stat("change.panel", pc, "svycontrast(svyby(~score, ~round+stype, dpanel, svymean, covmat=TRUE), b - a)")
add("change.panel.degf", "degf", degf(dpanel), "degf(dpanel)")

# ---------------------------------------------------------------- 3. association
chi <- function(case, f, design, stats = c("F", "Chisq", "Wald", "adjWald")) {
  for (s in stats) {
    call <- paste0("svychisq(", deparse(f), ", ", design, ", statistic='", s, "')")
    r <- svychisq(f, get(design), statistic = s)
    add(paste0(case, ".", s), "statistic", r$statistic, call)
    add(paste0(case, ".", s), "p", r$p.value, call)
    if (!is.null(r$parameter)) add_vec(paste0(case, ".", s), r$parameter, call)
  }
}
chi("chisq.dclus2", ~sch.wide + stype, "dclus2")
chi("chisq.dstrat", ~comp.imp + stype, "dstrat")
chi("chisq.rclus1", ~sch.wide + stype, "rclus1", c("F", "Chisq"))
chi("chisq.dclus1r", ~comp.imp + stype, "dclus1r", c("F", "Chisq", "Wald"))
chi("chisq.rnh", ~race + agecat, "rnh", c("F", "Chisq"))
tt <- function(case, f, design) {
  r <- svyttest(f, get(design))
  call <- paste0("svyttest(", deparse(f), ", ", design, ")")
  add(case, "estimate", r$estimate, call); add(case, "t", r$statistic, call)
  add(case, "df", r$parameter, call); add(case, "p", r$p.value, call)
  add(case, "ci_low", r$conf.int[1], call); add(case, "ci_high", r$conf.int[2], call)
}
tt("ttest.dclus2", api00 ~ sch.wide, "dclus2")
tt("ttest.rclus1", api00 ~ sch.wide, "rclus1")
tt("ttest.dclus1r", api00 ~ comp.imp, "dclus1r")

# ---------------------------------------------------------------- 4. models
glmc <- function(case, f, design, fam) {
  call <- paste0("svyglm(", deparse(f), ", ", design, ", family=", fam, "())")
  m <- eval(bquote(svyglm(.(f), .(as.name(design)), family = .(as.name(fam))())))
  s <- summary(m)$coefficients
  add_vec(paste0(case, ".est"), s[, 1], call); add_vec(paste0(case, ".se"), s[, 2], call)
  add_vec(paste0(case, ".p"), s[, 4], call)
  ci <- confint(m); add_vec(paste0(case, ".ci_low"), ci[, 1], call)
  add(paste0(case, ".df"), "df", m$df.residual, call)
}
glmc("glm.dclus2.lin", api00 ~ ell + meals + stype, "dclus2", "gaussian")
glmc("glm.dclus2.logit", yes ~ ell + meals + stype, "dclus2", "quasibinomial")
glmc("glm.dstrat.logit", yes ~ ell + meals + mobility + stype, "dstrat", "quasibinomial")
glmc("glm.rclus1.lin", api00 ~ ell + meals + stype, "rclus1", "gaussian")
glmc("glm.rclus1.logit", yes ~ ell + meals, "rclus1", "quasibinomial")
glmc("glm.dclus1r.lin", api00 ~ ell + meals + stype, "dclus1r", "gaussian")
glmc("glm.rnh.logit", HI_CHOL ~ factor(race) + agecat + RIAGENDR, "rnh", "quasibinomial")
pm <- function(case, f, design) {
  call <- paste0("svypredmeans(svyglm(", deparse(f), ", ", design,
                 ", family=quasibinomial()), ~stype)")
  r <- svypredmeans(eval(bquote(svyglm(.(f), .(as.name(design)), family = quasibinomial()))),
                    ~stype)
  add_stat(case, r, call)
}
pm("predmeans.dclus2", yes ~ ell + meals, "dclus2")
pm("predmeans.dstrat", yes ~ ell + meals, "dstrat")
pm("predmeans.dclus1r", yes ~ ell + meals, "dclus1r")  # svypredmeans fails on replicate designs in survey 4.1-1

res <- do.call(rbind, out)
write.csv(res, "reference.csv", row.names = FALSE)
cat(nrow(res), "reference values\n")
