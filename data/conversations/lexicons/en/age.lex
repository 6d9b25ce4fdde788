# Age cues. Self-stated ages are read as "<prefix> N", "N <suffix>", "N <sex>", "<sex> N" or, when N opens the
# message, "N <opening suffix>"; the sections below hold the words around N. N is digits or number words (numbers.tsv).
family: age

[self-age-prefix] 0 | Words before a self-stated age
im
i am
turning
turned
i just turned
i turn
my age is
age
aged
im only
im just
im like
i am only
i m

[self-age-suffix] 0 | Words after a self-stated age
years old
year old
yo
y o

[opening-age-suffix] 0 | Words after a number that opens a message and make it an age ("13 yrs", "13 years lol")
years

[sex-marker] 0 | Words right after or right before a lone number that make it an age ("14 f ny", "35/m/ca", "f 14")
m
f
male
female
girl
boy
guy

[not-age-before] 0 | Words right before a number or its prefix that mean it is not an age ("at 10", "at age 10")
at
in
by
since
until
till
from
for
have
got
had
under
over
after
before
level
lvl
page
room
grade
year

[not-age] 0 | Words after a number that mean it is not an age
minutes
minute
min
mins
hours
hour
hrs
seconds
second
sec
km
miles
percent
points
feet
ft
kg
lbs
pounds
dollars
euros
times
days
weeks
months
ago
later
am
pm
in
on
at
of
away

[age-question] 0 | Asks an age: a number opening one of the next two replies is the replier's age ("umm 15 f")
how old are you
what age are you
what is your age
asl
age sex location

[minor-cue] 0 | Says something that places them at school age
in 6th grade
in 7th grade
in 8th grade
in 9th grade
in 10th grade
in 6th
in 7th
in 8th
middle school
in year 7
in year 8
in year 9
in year 10
my mum wont let me
my parents wont let me
my dad wont let me
i am grounded
got grounded
my bedtime

[adult-cue] 0 | Says something that places them as an adult
my wife
my husband
my mortgage
my kids
my son
my daughter
my students
my class
my team
my apartment
my landlord
