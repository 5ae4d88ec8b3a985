# The same estimates as doorstep's assessment, with R's survey package:
# every community x quarter x channel calibrated (raking on age_group and
# gender to the register), svymean of the index and each dimension.
# Rscript benches/assessment.R DIR   (DIR from `--example assessment -- --csv DIR`)
suppressMessages(library(survey))
dir <- commandArgs(trailingOnly = TRUE)[1]
d <- read.csv(file.path(dir, "interviews.csv"), stringsAsFactors = FALSE)
reg <- read.csv(file.path(dir, "register.csv"), stringsAsFactors = FALSE)
ages <- c("18-34", "35-49", "50-64", "65+"); genders <- c("m", "f")
measures <- setdiff(names(d), c("community", "quarter", "channel", "age_group", "gender"))
started <- Sys.time()
figures <- 0
for (cell in split(d, list(d$community, d$quarter, d$channel), drop = TRUE)) {
  rc <- reg[reg$community == cell$community[1], ]
  population <- c(sum(rc$count),
                  sapply(ages[-1], function(a) sum(rc$count[rc$age_group == a])),
                  sapply(genders[-1], function(g) sum(rc$count[rc$gender == g])))
  names(population) <- c("(Intercept)", paste0("age_group", ages[-1]), paste0("gender", genders[-1]))
  cell$age_group <- factor(cell$age_group, levels = ages)
  cell$gender <- factor(cell$gender, levels = genders)
  cell$base <- sum(rc$count) / nrow(cell)
  des <- svydesign(ids = ~1, weights = ~base, data = cell)
  cal <- calibrate(des, ~age_group + gender, population = population, calfun = "raking",
                   epsilon = 1e-10, maxit = 1000)
  for (m in measures) {
    e <- svymean(as.formula(paste0("~", m)), cal, na.rm = TRUE)
    figures <- figures + 1
  }
}
cat(sprintf("R survey: %d figures in %.3f s\n", figures,
            as.numeric(difftime(Sys.time(), started, units = "secs"))))
