# Risk assessment: probing age, location, who else uses the device, whether parents check.
family: risk-assessment

[age-probe] 0.3 | Asks the young person's age or school year
how old are you
what age are you
what is your age
asl
what grade are you in
what year are you in
are you in high school
are you in middle school
are you in school
you are like 13
you are only 1*
are you old enough
how young

[location-probe] 0.35 | Asks where they live or go to school
where do you live
what school do you go to
which school do you go to
what school are you at
what town are you in
what city are you in
what is your address
send me your address
what street
live near
how far do you live

[supervision-probe] 0.5 | Asks whether adults are around or who can see the device | suppress: dinner groceries shopping pick
are your parents home
are your parents around
are your parents awake
are your parents asleep
is anyone home
is anyone else home
are you home alone
are you alone
are you by yourself
who else uses your phone
who else can see
does anyone check your phone
do your parents check your phone
do your parents check
do your parents read your
do your parents look at your
can your parents see
is your door locked
lock your door
are you in your room
in your room alone
when do your parents get home
when do your parents go to bed
when do your parents sleep
do you have your own phone
do you share your phone
is this your own phone
