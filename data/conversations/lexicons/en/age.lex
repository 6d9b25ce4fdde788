# Age cues. Self-stated ages are read as "<prefix> N" or "N <suffix>"; the sections below hold the words around N.
family: age

[self-age-prefix] 0 | Words before a self-stated age
im
i am
turning
turned
i just turned
i turn
my age is

[self-age-suffix] 0 | Words after a self-stated age
years old
year old
yo

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
am
pm
in
on
at
of
away

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
